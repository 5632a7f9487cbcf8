/**
 * Link changes a person asks for (review decisions, splits) share these steps: read where two
 * records stand now, refuse a change that would give an account two records of one ERP or CS
 * system, and after the write, recompute survivorship and drop the cached views it affects.
 */
import type { Env } from '../../env.js';
import { fail } from '../../errors.js';
import { SYSTEM_ROLE } from '../../model/primitives.js';
import type { System } from '../../storage/connections.js';
import { forgetLinkLookup, linksOf } from '../../storage/identity.js';
import { tenantMatrix } from '../../storage/ownership.js';
import { invalidateAccountView } from '../account-view.js';
import { refreshAccounts } from './survive.js';

/** A record reference. */
export interface RecordRef {
  system: System;
  externalId: string;
}

/** Where a record stands: its account and that account's links. */
export interface Placement {
  accountId: string | null;
  links: { system: System; externalId: string }[];
}

/** Placements of several records, one D1 round trip. */
export async function placements(db: D1Database, tenantId: string, refs: readonly RecordRef[]): Promise<Placement[]> {
  const results = await db.batch(refs.map((r) => linksOf(db, tenantId, r.system, r.externalId)));
  return results.map((res) => {
    const rows = res.results as { accountId: string; system: System; externalId: string }[];
    return { accountId: rows[0]?.accountId ?? null, links: rows.map(({ system, externalId }) => ({ system, externalId })) };
  });
}

/** CRM records may be several per account (duplicates); an ERP or CS system has one record per account. */
export function isCrm(system: System): boolean {
  return SYSTEM_ROLE[system] === 'crm';
}

/** Fails 409 `account_has_record` when adding `record` to an account holding `links` would give it a second ERP/CS record. */
export function assertCanJoin(record: RecordRef, links: readonly RecordRef[], accountId: string): void {
  if (isCrm(record.system)) return;
  const other = links.find((l) => l.system === record.system && l.externalId !== record.externalId);
  if (other) {
    fail({ kind: 'conflict', code: 'account_has_record', message: `Account ${accountId} already has ${record.system} record ${other.externalId}; split it first.` });
  }
}

/** After links changed: survivorship of the accounts, their cached views dropped, link lookups forgotten. */
export async function afterLinkChange(env: Env, tenantId: string, accountIds: readonly (string | null)[], records: readonly RecordRef[]): Promise<void> {
  const ids = accountIds.filter((id): id is string => id !== null);
  for (const r of records) forgetLinkLookup(tenantId, r.system, r.externalId);
  await refreshAccounts(env.DB, tenantId, ids, await tenantMatrix(env.DB, tenantId));
  await Promise.all(ids.map((id) => invalidateAccountView(env, tenantId, id)));
}
