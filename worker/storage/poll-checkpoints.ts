/**
 * The scheduled polls' checkpoints (`poll_checkpoints`, migration 0012): per tenant, source and
 * stream, the newest last-modified instant a poll has seen, and how its last run went. A poll
 * reads from the checkpoint minus an overlap window, so a checkpoint only ever moves forward.
 */

export interface Checkpoint {
  stream: string;
  checkpointMs: number;
  lastRunAt: string;
  lastFound: number;
  lastError: string | null;
}

/** The checkpoints of one tenant's source, by stream. */
export async function checkpoints(db: D1Database, tenantId: string, source: string): Promise<Map<string, Checkpoint>> {
  const { results } = await db
    .prepare('SELECT stream, checkpoint_ms AS checkpointMs, last_run_at AS lastRunAt, last_found AS lastFound, last_error AS lastError FROM poll_checkpoints WHERE tenant_id = ? AND source = ?')
    .bind(tenantId, source)
    .all<Checkpoint>();
  return new Map(results.map((r) => [r.stream, r]));
}

/** Records a run of one stream; the checkpoint never moves back (two overlapping runs converge). */
export function saveCheckpointStatement(db: D1Database, c: { tenantId: string; source: string; stream: string; checkpointMs: number; found: number; error: string | null }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO poll_checkpoints (tenant_id, source, stream, checkpoint_ms, last_run_at, last_found, last_error) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, source, stream) DO UPDATE SET checkpoint_ms = MAX(poll_checkpoints.checkpoint_ms, excluded.checkpoint_ms),
         last_run_at = excluded.last_run_at, last_found = excluded.last_found, last_error = excluded.last_error`,
    )
    .bind(c.tenantId, c.source, c.stream, c.checkpointMs, new Date().toISOString(), c.found, c.error);
}

/** Of these idempotency keys, the ones already claimed (the poll's dedupe by record version). */
export async function claimedKeys(db: D1Database, tenantId: string, keys: readonly string[]): Promise<Set<string>> {
  return keysIn(db, 'SELECT idem_key AS k FROM processed_events WHERE tenant_id = ?1 AND idem_key IN (SELECT value FROM json_each(?2))', tenantId, keys);
}

/** Of these idempotency keys, the ones a poll enqueued at or after `since` (waiting in the queue unless claimed since). */
export async function queuedKeys(db: D1Database, tenantId: string, keys: readonly string[], since: number): Promise<Set<string>> {
  return keysIn(db, 'SELECT idem_key AS k FROM poll_enqueued WHERE tenant_id = ?1 AND idem_key IN (SELECT value FROM json_each(?2)) AND enqueued_ms >= ?3', tenantId, keys, since);
}

/** Runs `sql` over `keys` in parts of 500, each bound as one JSON array (D1 binds at most 100 parameters). */
async function keysIn(db: D1Database, sql: string, tenantId: string, keys: readonly string[], ...more: unknown[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const { results } = await db.prepare(sql).bind(tenantId, JSON.stringify(keys.slice(i, i + 500)), ...more).all<{ k: string }>();
    for (const r of results) out.add(r.k);
  }
  return out;
}

/** Notes `keys` as enqueued at `at`, and forgets notes older than `forgetBefore` (one batch). */
export async function noteEnqueued(db: D1Database, tenantId: string, keys: readonly string[], at: number, forgetBefore: number): Promise<void> {
  const statements: D1PreparedStatement[] = [db.prepare('DELETE FROM poll_enqueued WHERE tenant_id = ? AND enqueued_ms < ?').bind(tenantId, forgetBefore)];
  for (let i = 0; i < keys.length; i += 500) {
    statements.push(
      db
        .prepare(
          `INSERT INTO poll_enqueued (tenant_id, idem_key, enqueued_ms) SELECT ?1, value, ?3 FROM json_each(?2) WHERE true
           ON CONFLICT (tenant_id, idem_key) DO UPDATE SET enqueued_ms = excluded.enqueued_ms`,
        )
        .bind(tenantId, JSON.stringify(keys.slice(i, i + 500)), at),
    );
  }
  await db.batch(statements);
}
