/**
 * Identity storage: canonical accounts, the identity map (canonical id <-> system ids), match
 * candidates and match exceptions. Every statement is tenant-scoped.
 */
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

export interface CandidateRow {
  system: System;
  externalId: string;
  name: string;
  nameKey: string | null;
  domainKey: string | null;
  taxKey: string | null;
  hint: string | null;
  /** Canonical account this record is already linked to, if any. */
  linkedTo: string | null;
}

export function newAccountId(): string {
  return `acc_${crypto.randomUUID().replace(/-/g, '')}`;
}

export function upsertCandidate(db: D1Database, tenantId: string, c: Omit<CandidateRow, 'linkedTo'>, seenAt: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO identity_candidates (tenant_id, system, external_id, name, name_key, domain_key, tax_key, hint, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(tenant_id, system, external_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
         domain_key = excluded.domain_key, tax_key = excluded.tax_key, hint = excluded.hint, seen_at = excluded.seen_at`,
    )
    .bind(tenantId, c.system, c.externalId, c.name, c.nameKey, c.domainKey, c.taxKey, c.hint, seenAt);
}

/** Candidates of `system` that share any key with the source record (an indexed lookup). */
export function findCandidates(
  db: D1Database,
  tenantId: string,
  system: System,
  keys: { hints: [string, string]; nameKey: string | null; domainKey: string | null; taxKey: string | null },
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT c.system, c.external_id AS externalId, c.name, c.name_key AS nameKey, c.domain_key AS domainKey, c.tax_key AS taxKey, c.hint,
              l.canonical_id AS linkedTo
       FROM identity_candidates c
       LEFT JOIN identity_links l ON l.tenant_id = c.tenant_id AND l.entity = 'account' AND l.system = c.system AND l.external_id = c.external_id
       WHERE c.tenant_id = ?1 AND c.system = ?2
         AND (c.hint IN (?3, ?7) OR (?4 IS NOT NULL AND c.name_key = ?4) OR (?5 IS NOT NULL AND c.domain_key = ?5) OR (?6 IS NOT NULL AND c.tax_key = ?6))
       LIMIT 20`,
    )
    .bind(tenantId, system, keys.hints[0], keys.nameKey, keys.domainKey, keys.taxKey, keys.hints[1]);
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

export function insertException(
  db: D1Database,
  tenantId: string,
  e: { kind: 'ambiguous_match' | 'crm_duplicate'; system: System; externalId: string; detail: unknown },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO match_exceptions (tenant_id, id, kind, system, external_id, detail) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(tenant_id, kind, system, external_id) DO UPDATE SET detail = excluded.detail`,
    )
    .bind(tenantId, crypto.randomUUID(), e.kind, e.system, e.externalId, JSON.stringify(e.detail));
}

/** Accounts in id order, `limit` per page, `after` = last id of the previous page. */
export async function listAccounts(db: D1Database, tenantId: string, limit: number, after: string | null): Promise<AccountRow[]> {
  const { results: accounts } = await db
    .prepare(`SELECT id, name FROM accounts WHERE tenant_id = ? AND (? IS NULL OR id > ?) ORDER BY id LIMIT ?`)
    .bind(tenantId, after, after, limit)
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

export async function getAccount(db: D1Database, tenantId: string, id: string): Promise<AccountRow | null> {
  const [account, links] = await db.batch([
    db.prepare('SELECT id, name FROM accounts WHERE tenant_id = ? AND id = ?').bind(tenantId, id),
    db
      .prepare(
        `SELECT system, external_id AS externalId, rule, is_primary AS isPrimary FROM identity_links
         WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ? ORDER BY is_primary DESC, system, external_id`,
      )
      .bind(tenantId, id),
  ]);
  const row = account!.results[0] as { id: string; name: string } | undefined;
  if (!row) return null;
  const linkRows = links!.results as { system: System; externalId: string; rule: string; isPrimary: number }[];
  return { ...row, links: linkRows.map((l) => ({ system: l.system, externalId: l.externalId, rule: l.rule, isPrimary: l.isPrimary === 1 })) };
}

/** Links found, remembered 30 s per isolate: a card asks for the same record again and again. */
const linked = new TtlMemo<string | null>(30_000);

/** The canonical account a system record is linked to (e.g. a HubSpot company id). */
export async function accountIdFor(db: D1Database, tenantId: string, system: System, externalId: string): Promise<string | null> {
  // Only found links are remembered: a record linked a moment ago must show at once.
  return linked.get(`${tenantId}:${system}:${externalId}`, () => lookupAccountId(db, tenantId, system, externalId), (id) => id !== null);
}

async function lookupAccountId(db: D1Database, tenantId: string, system: System, externalId: string): Promise<string | null> {
  const row = await db
    .prepare(`SELECT canonical_id AS id FROM identity_links WHERE tenant_id = ? AND entity = 'account' AND system = ? AND external_id = ?`)
    .bind(tenantId, system, externalId)
    .first<{ id: string }>();
  return row?.id ?? null;
}
