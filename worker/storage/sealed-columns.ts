/**
 * The one registry of sealed columns: every value the vault seals, by table, with how to find its
 * rows and the AAD each was sealed with. Vault rotation (`resealAll`) walks this list, so a new
 * sealed column is rotated as soon as it is registered here, and a worker test checks that every
 * `*_ct` column of the schema is registered (test/worker/vault-registry.test.ts).
 * A sealed value is three columns `<prefix>_kid`, `<prefix>_iv`, `<prefix>_ct`.
 */
import type { Env } from '../env.js';
import { reseal } from './vault.js';

export interface SealedTable {
  table: string;
  /** Column prefixes of the sealed values in a row (`credentials` -> credentials_kid/_iv/_ct). */
  columns: string[];
  /** Columns that identify a row (its primary key), in order. */
  key: string[];
  /** The AAD a row's values were sealed with, from its key columns. */
  aad(row: Record<string, string>): string;
  /** Only rows worth keeping sealed (e.g. unexpired OAuth states); SQL over the table's columns. */
  where?: (now: number) => string;
}

export const SEALED_COLUMNS: readonly SealedTable[] = [
  {
    table: 'connections',
    columns: ['credentials'],
    key: ['tenant_id', 'system'],
    aad: (r) => `connection:${r['tenant_id']}:${r['system']}`,
  },
  {
    table: 'oauth_states',
    columns: ['verifier'],
    key: ['state_hash'],
    aad: (r) => `oauth_state:${r['state_hash']}`,
    // A state past its 10 minutes is refused anyway; it is swept, not rotated.
    where: (now) => `expires_at >= ${Math.floor(now)}`,
  },
  {
    table: 'inbound_secrets',
    // The current signing secret and the previous one (valid for 24 h after a rotation).
    columns: ['secret', 'previous'],
    key: ['system', 'external_account'],
    aad: (r) => `inbound:${r['system']}:${r['external_account']}:${r['tenant_id']}`,
  },
];

export interface TableReport {
  resealed: number;
  alreadyCurrent: number;
  /** Rows whose value did not open (key missing from CONCORD_VAULT_KEYS, tampered row), by key. */
  failed: Record<string, string>[];
}

/**
 * Re-encrypt every sealed value of one table under the active vault key, a page at a time so a
 * large estate never sits in memory. A row is updated only if it still holds the ciphertext that
 * was read (a concurrent write wins: it is already sealed under the active key).
 */
async function resealTable(env: Env, t: SealedTable, pageSize: number): Promise<TableReport> {
  const report: TableReport = { resealed: 0, alreadyCurrent: 0, failed: [] };
  const keyExpr = t.key.join(" || char(31) || ");
  const cols = [...new Set([...t.key, 'tenant_id', ...t.columns.flatMap((p) => [`${p}_kid`, `${p}_iv`, `${p}_ct`])])];
  const extra = t.where ? ` AND ${t.where(Date.now())}` : '';
  let after = '';
  for (;;) {
    const { results } = await env.DB.prepare(`SELECT ${cols.join(', ')} FROM ${t.table} WHERE ${keyExpr} > ?${extra} ORDER BY ${keyExpr} LIMIT ?`)
      .bind(after, pageSize)
      .all<Record<string, string | null>>();
    const updates: D1PreparedStatement[] = [];
    for (const row of results) {
      const r = row as Record<string, string>;
      const sets: string[] = [];
      const values: string[] = [];
      let failed = false;
      let stale = false;
      for (const p of t.columns) {
        const [kid, iv, ct] = [row[`${p}_kid`], row[`${p}_iv`], row[`${p}_ct`]];
        if (!kid || !iv || !ct) continue; // an optional value that is not set (no previous secret)
        try {
          const next = await reseal(env, t.aad(r), { kid, iv, ct });
          if (!next) continue;
          stale = true;
          sets.push(`${p}_kid = ?`, `${p}_iv = ?`, `${p}_ct = ?`);
          values.push(next.kid, next.iv, next.ct);
        } catch {
          failed = true;
        }
      }
      if (failed) report.failed.push(Object.fromEntries(t.key.map((k) => [k, r[k]!])));
      else if (!stale) report.alreadyCurrent += 1;
      if (sets.length === 0) continue;
      const guard = t.columns.filter((p) => row[`${p}_ct`]).map((p) => `${p}_ct = ?`);
      updates.push(
        env.DB.prepare(`UPDATE ${t.table} SET ${sets.join(', ')} WHERE ${t.key.map((k) => `${k} = ?`).join(' AND ')} AND ${guard.join(' AND ')}`).bind(
          ...values,
          ...t.key.map((k) => r[k]!),
          ...t.columns.filter((p) => row[`${p}_ct`]).map((p) => row[`${p}_ct`]!),
        ),
      );
      if (!failed) report.resealed += 1;
    }
    if (updates.length) await env.DB.batch(updates);
    if (results.length < pageSize) return report;
    const last = results[results.length - 1]!;
    after = t.key.map((k) => last[k]).join('\u001f');
  }
}

/** Re-seal every registered sealed column; the report names each table. */
export async function resealAll(env: Env, pageSize = 50): Promise<Record<string, TableReport>> {
  const out: Record<string, TableReport> = {};
  for (const t of SEALED_COLUMNS) out[t.table] = await resealTable(env, t, pageSize);
  return out;
}
