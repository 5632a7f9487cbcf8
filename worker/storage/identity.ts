/**
 * Identity storage: canonical accounts and the identity map (canonical id <-> system ids). The
 * records and keys the scorer reads are in identity-records.ts, the review queue in reviews.ts.
 * Every statement is tenant-scoped.
 */
import type { IdentityFields } from '../policies/identity/index.js';
import type { System } from './connections.js';
import { TtlMemo } from './memo.js';

export interface LinkRow {
  system: System;
  externalId: string;
  rule: string;
  isPrimary: boolean;
}

export interface AccountRow {
  id: string;
  name: string;
  links: LinkRow[];
}

export function newAccountId(): string {
  return `acc_${crypto.randomUUID().replace(/-/g, '')}`;
}

export function linksOf(db: D1Database, tenantId: string, system: System, externalId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT l.canonical_id AS accountId, l2.system, l2.external_id AS externalId
       FROM identity_links l JOIN identity_links l2 ON l2.tenant_id = l.tenant_id AND l2.entity = l.entity AND l2.canonical_id = l.canonical_id
       WHERE l.tenant_id = ? AND l.entity = 'account' AND l.system = ? AND l.external_id = ?`,
    )
    .bind(tenantId, system, externalId);
}

export function insertAccount(db: D1Database, tenantId: string, id: string, name: string): D1PreparedStatement {
  return db.prepare('INSERT INTO accounts (tenant_id, id, name) VALUES (?, ?, ?)').bind(tenantId, id, name);
}

/** The record of `system` an account is linked to (its primary one first), or null. */
export async function linkedRecord(db: D1Database, tenantId: string, accountId: string, system: System): Promise<string | null> {
  const row = await db
    .prepare(`SELECT external_id AS id FROM identity_links WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ? AND system = ? ORDER BY is_primary DESC, external_id LIMIT 1`)
    .bind(tenantId, accountId, system)
    .first<{ id: string }>();
  return row?.id ?? null;
}

/**
 * Insert an account for a system record unless that record is linked already (put the record's
 * link right after it in the same batch): when two runs race to create the account of one CRM
 * company, the loser makes no account row, and its links are ignored or refused, never orphaned.
 */
export function insertAccountUnlessLinked(db: D1Database, tenantId: string, id: string, name: string, record: { system: System; externalId: string }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO accounts (tenant_id, id, name) SELECT ?1, ?2, ?3
       WHERE NOT EXISTS (SELECT 1 FROM identity_links WHERE tenant_id = ?1 AND entity = 'account' AND system = ?4 AND external_id = ?5)`,
    )
    .bind(tenantId, id, name, record.system, record.externalId);
}

/** Insert a link; a record already linked elsewhere is left alone (first link wins). */
export function insertLink(db: D1Database, tenantId: string, accountId: string, link: LinkRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO identity_links (tenant_id, entity, canonical_id, system, external_id, rule, is_primary)
       VALUES (?, 'account', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .bind(tenantId, accountId, link.system, link.externalId, link.rule, link.isPrimary ? 1 : 0);
}

/** Statement that removes a record's link to an account. */
export function deleteLink(db: D1Database, tenantId: string, accountId: string, system: System, externalId: string): D1PreparedStatement {
  return db
    .prepare(`DELETE FROM identity_links WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ? AND system = ? AND external_id = ?`)
    .bind(tenantId, accountId, system, externalId);
}

/** Statement that moves every link of account `from` into account `to` (as non-primary where `to` already has that system). */
export function moveLinks(db: D1Database, tenantId: string, from: string, to: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE identity_links SET canonical_id = ?3,
         is_primary = CASE WHEN EXISTS (SELECT 1 FROM identity_links o WHERE o.tenant_id = ?1 AND o.entity = 'account' AND o.canonical_id = ?3
                                        AND o.system = identity_links.system AND o.is_primary = 1) THEN 0 ELSE is_primary END
       WHERE tenant_id = ?1 AND entity = 'account' AND canonical_id = ?2`,
    )
    .bind(tenantId, from, to);
}

/** Statement that deletes an account that no longer has links. */
export function deleteEmptyAccount(db: D1Database, tenantId: string, id: string): D1PreparedStatement {
  return db
    .prepare(`DELETE FROM accounts WHERE tenant_id = ?1 AND id = ?2 AND NOT EXISTS (SELECT 1 FROM identity_links WHERE tenant_id = ?1 AND entity = 'account' AND canonical_id = ?2)`)
    .bind(tenantId, id);
}

/** A linked record with the fields identity resolution last stored for it (null if never ingested). */
export interface LinkedRecord extends LinkRow {
  accountId: string;
  fields: IdentityFields | null;
}

/** Statement listing the linked records of the given accounts with their stored fields. */
export function linkedRecords(db: D1Database, tenantId: string, accountIds: readonly string[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT l.canonical_id AS accountId, l.system, l.external_id AS externalId, l.rule, l.is_primary AS isPrimary, r.fields_json AS fieldsJson
       FROM identity_links l
       LEFT JOIN identity_records r ON r.tenant_id = l.tenant_id AND r.system = l.system AND r.external_id = l.external_id
       WHERE l.tenant_id = ?1 AND l.entity = 'account' AND l.canonical_id IN (SELECT value FROM json_each(?2))
       ORDER BY l.canonical_id, l.is_primary DESC, l.system, l.external_id`,
    )
    .bind(tenantId, JSON.stringify(accountIds));
}

/** Rows of `linkedRecords`. */
export function toLinkedRecords(rows: readonly unknown[]): LinkedRecord[] {
  return (rows as { accountId: string; system: System; externalId: string; rule: string; isPrimary: number; fieldsJson: string | null }[]).map((r) => ({
    accountId: r.accountId,
    system: r.system,
    externalId: r.externalId,
    rule: r.rule,
    isPrimary: r.isPrimary === 1,
    fields: r.fieldsJson ? (JSON.parse(r.fieldsJson) as IdentityFields) : null,
  }));
}

/** Statement that sets an account's display name and surviving fields. */
export function updateAccountFields(db: D1Database, tenantId: string, id: string, name: string, fields: unknown): D1PreparedStatement {
  return db
    .prepare(`UPDATE accounts SET name = ?, fields_json = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE tenant_id = ? AND id = ?`)
    .bind(name, JSON.stringify(fields), tenantId, id);
}

/** Forgets remembered link lookups of a record (after it was unlinked or moved). */
export function forgetLinkLookup(tenantId: string, system: System, externalId: string): void {
  linked.delete(`${tenantId}:${system}:${externalId}`);
}

/** Accounts in id order, `limit` per page, `after` = last id of the previous page. */
export async function listAccounts(db: D1Database, tenantId: string, limit: number, after: string | null): Promise<AccountRow[]> {
  const { results: accounts } = await db
    // `id > ''` for the first page (ids are never empty): a seek to the cursor, where `? IS NULL OR id > ?` read every account before it on every page.
    .prepare(`SELECT id, name FROM accounts WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`)
    .bind(tenantId, after ?? '', limit)
    .all<{ id: string; name: string }>();
  if (accounts.length === 0) return [];
  const first = accounts[0]!.id;
  const last = accounts[accounts.length - 1]!.id;
  const { results: links } = await db
    .prepare(
      `SELECT canonical_id AS accountId, system, external_id AS externalId, rule, is_primary AS isPrimary FROM identity_links
       WHERE tenant_id = ? AND entity = 'account' AND canonical_id BETWEEN ? AND ? ORDER BY canonical_id, is_primary DESC, system, external_id`,
    )
    .bind(tenantId, first, last)
    .all<{ accountId: string; system: System; externalId: string; rule: string; isPrimary: number }>();
  const byAccount = new Map<string, LinkRow[]>();
  for (const l of links) {
    const list = byAccount.get(l.accountId) ?? [];
    list.push({ system: l.system, externalId: l.externalId, rule: l.rule, isPrimary: l.isPrimary === 1 });
    byAccount.set(l.accountId, list);
  }
  return accounts.map((a) => ({ ...a, links: byAccount.get(a.id) ?? [] }));
}

/** The statements that read an account and its links (for a caller's own D1 batch; read them with {@link accountFromResults}). */
export function accountStatements(db: D1Database, tenantId: string, id: string): [D1PreparedStatement, D1PreparedStatement] {
  return [
    db.prepare('SELECT id, name, fields_json AS fieldsJson FROM accounts WHERE tenant_id = ? AND id = ?').bind(tenantId, id),
    db
      .prepare(
        `SELECT system, external_id AS externalId, rule, is_primary AS isPrimary FROM identity_links
         WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ? ORDER BY is_primary DESC, system, external_id`,
      )
      .bind(tenantId, id),
  ];
}

/** The account of {@link accountStatements}' results; null when there is no such account. */
export function accountFromResults(account: D1Result | undefined, links: D1Result | undefined): (AccountRow & { fields: unknown }) | null {
  const row = account!.results[0] as { id: string; name: string; fieldsJson: string | null } | undefined;
  if (!row) return null;
  const linkRows = links!.results as { system: System; externalId: string; rule: string; isPrimary: number }[];
  return {
    id: row.id,
    name: row.name,
    links: linkRows.map((l) => ({ system: l.system, externalId: l.externalId, rule: l.rule, isPrimary: l.isPrimary === 1 })),
    fields: row.fieldsJson ? (JSON.parse(row.fieldsJson) as unknown) : null,
  };
}

/** One account with its links and surviving fields (null until identity sync or a review computed them). */
export async function getAccount(db: D1Database, tenantId: string, id: string): Promise<(AccountRow & { fields: unknown }) | null> {
  const [account, links] = await db.batch(accountStatements(db, tenantId, id));
  return accountFromResults(account, links);
}

/**
 * The record id an account's view reads from a source: the primary link of that system, else its
 * first (links in {@link accountStatements}' order). The view's build and a card's link read
 * (services/crm-record.ts) pick it the same way.
 */
export function sourceIdOf(links: readonly { system: System; externalId: string; isPrimary: boolean }[], system: System): string | null {
  return links.find((l) => l.system === system && l.isPrimary)?.externalId ?? links.find((l) => l.system === system)?.externalId ?? null;
}

/** An account found by one of its records, with the record ids its view reads (a hint: the build checks them). */
export interface LinkedAccount {
  id: string;
  sourceIds: { netsuite: string | null; vitally: string | null };
}

/** Links found, remembered 30 s per isolate: a card asks for the same record again and again. */
const linked = new TtlMemo<LinkedAccount | null>(30_000);

/** The canonical account a system record is linked to (e.g. a HubSpot company id). */
export async function accountIdFor(db: D1Database, tenantId: string, system: System, externalId: string, opts: { fresh?: boolean } = {}): Promise<string | null> {
  return (await linkedAccountFor(db, tenantId, system, externalId, opts))?.id ?? null;
}

/**
 * The canonical account a system record is linked to, with the ERP and CS record ids its view
 * reads, in the same one D1 read: a card's cold view then starts its upstream calls without
 * waiting for the build's own account read (services/account-view-build.ts `sourceIds`).
 */
export async function linkedAccountFor(db: D1Database, tenantId: string, system: System, externalId: string, opts: { fresh?: boolean } = {}): Promise<LinkedAccount | null> {
  // `fresh`: what this isolate remembers was just contradicted; ask D1 and remember its answer.
  if (opts.fresh) linked.delete(`${tenantId}:${system}:${externalId}`);
  // Only found links are remembered: a record linked a moment ago must show at once.
  return linked.get(`${tenantId}:${system}:${externalId}`, () => lookupLinkedAccount(db, tenantId, system, externalId), (a) => a !== null);
}

async function lookupLinkedAccount(db: D1Database, tenantId: string, system: System, externalId: string): Promise<LinkedAccount | null> {
  const { results } = await db
    .prepare(
      `SELECT canonical_id AS id, system, external_id AS externalId, is_primary AS isPrimary FROM identity_links
       WHERE tenant_id = ?1 AND entity = 'account'
         AND canonical_id = (SELECT canonical_id FROM identity_links WHERE tenant_id = ?1 AND entity = 'account' AND system = ?2 AND external_id = ?3)
       ORDER BY is_primary DESC, system, external_id`,
    )
    .bind(tenantId, system, externalId)
    .all<{ id: string; system: System; externalId: string; isPrimary: number }>();
  const first = results[0];
  if (!first) return null;
  const links = results.map((l) => ({ system: l.system, externalId: l.externalId, isPrimary: l.isPrimary === 1 }));
  return { id: first.id, sourceIds: { netsuite: sourceIdOf(links, 'netsuite'), vitally: sourceIdOf(links, 'vitally') } };
}
