/**
 * D1 side of the stalled-onboarding billing hold (`automation_holds`, migration 0018,
 * docs/storage.md): which ERP sales orders Concord held for which episode, and whether it has lifted
 * them. The ERP is the truth about an order's status; this table is Concord's memory of what it did,
 * so it releases only orders it held and holds an order at most once per episode.
 */

/** One order Concord held for a stalled-onboarding episode. */
export interface HeldRecord {
  accountId: string;
  episodeKey: string;
  system: string;
  recordId: string;
  number: string;
  externalId: string | null;
  heldAt: string;
  liftedAt: string | null;
}

interface Row {
  account_id: string;
  episode_key: string;
  system: string;
  record_id: string;
  number: string;
  external_id: string | null;
  held_at: string;
  lifted_at: string | null;
}

/** D1 binds at most 100 parameters per statement. */
const CHUNK = 90;

/**
 * Every hold of the accounts, lifted or not: the ones in force are to keep or lift, and an
 * episode's lifted ones say which orders it must not hold again.
 */
export async function holdsOf(db: D1Database, tenantId: string, accountIds: readonly string[]): Promise<HeldRecord[]> {
  const out: HeldRecord[] = [];
  const ids = [...new Set(accountIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const { results } = await db
      .prepare(`SELECT account_id, episode_key, system, record_id, number, external_id, held_at, lifted_at FROM automation_holds WHERE tenant_id = ? AND account_id IN (${part.map(() => '?').join(', ')}) ORDER BY held_at, record_id`)
      .bind(tenantId, ...part)
      .all<Row>();
    for (const r of results) {
      out.push({ accountId: r.account_id, episodeKey: r.episode_key, system: r.system, recordId: r.record_id, number: r.number, externalId: r.external_id, heldAt: r.held_at, liftedAt: r.lifted_at });
    }
  }
  return out;
}

/** Records a hold the ERP accepted (a second record of the same episode and order changes nothing). */
export function recordHoldStatement(db: D1Database, tenantId: string, hold: Omit<HeldRecord, 'liftedAt'>): D1PreparedStatement {
  return db
    .prepare('INSERT OR IGNORE INTO automation_holds (tenant_id, account_id, episode_key, system, record_id, number, external_id, held_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(tenantId, hold.accountId, hold.episodeKey, hold.system, hold.recordId, hold.number, hold.externalId, hold.heldAt);
}

/** Marks a hold lifted (released by Concord, or found no longer held). */
export function liftHoldStatement(db: D1Database, tenantId: string, hold: Pick<HeldRecord, 'accountId' | 'episodeKey' | 'recordId'>, at: string): D1PreparedStatement {
  return db
    .prepare('UPDATE automation_holds SET lifted_at = ? WHERE tenant_id = ? AND account_id = ? AND episode_key = ? AND record_id = ? AND lifted_at IS NULL')
    .bind(at, tenantId, hold.accountId, hold.episodeKey, hold.recordId);
}
