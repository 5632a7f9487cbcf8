/** Refused write fields (table `write_refusals`, migration 0010): recorded by the write guard. */

export interface RefusalRow {
  id: string;
  at: string;
  flow: string;
  correlationId: string;
  targetSystem: string;
  source: string;
  entity: string;
  recordId: string | null;
  recordCount: number;
  accountId: string | null;
  attribute: string;
  field: string;
  owner: string | null;
  reason: 'not_owner' | 'unknown_field';
  attempted: unknown;
}

export type NewRefusal = Omit<RefusalRow, 'id' | 'at'>;

const MAX_ATTEMPTED_CHARS = 1024;

function attemptedJson(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length <= MAX_ATTEMPTED_CHARS ? text : JSON.stringify(`${text.slice(0, MAX_ATTEMPTED_CHARS - 20)}…(truncated)`);
}

export function refusalStatement(db: D1Database, tenantId: string, r: NewRefusal, at: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO write_refusals (tenant_id, id, at, flow, correlation_id, target_system, source, entity, record_id, record_count, account_id, attribute, field, owner, reason, attempted_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      tenantId,
      crypto.randomUUID(),
      at,
      r.flow,
      r.correlationId,
      r.targetSystem,
      r.source,
      r.entity,
      r.recordId,
      r.recordCount,
      r.accountId,
      r.attribute,
      r.field,
      r.owner,
      r.reason,
      attemptedJson(r.attempted),
    );
}

/** Newest first; `before` pages by time. */
export async function listRefusals(
  db: D1Database,
  tenantId: string,
  filter: { accountId?: string; before?: string; limit: number },
): Promise<RefusalRow[]> {
  const where = ['tenant_id = ?'];
  const args: unknown[] = [tenantId];
  if (filter.accountId) (where.push('account_id = ?'), args.push(filter.accountId));
  if (filter.before) (where.push('at < ?'), args.push(filter.before));
  const { results } = await db
    .prepare(
      `SELECT id, at, flow, correlation_id AS correlationId, target_system AS targetSystem, source, entity, record_id AS recordId,
              record_count AS recordCount, account_id AS accountId, attribute, field, owner, reason, attempted_json
       FROM write_refusals WHERE ${where.join(' AND ')} ORDER BY at DESC, id LIMIT ?`,
    )
    .bind(...args, filter.limit)
    .all<Omit<RefusalRow, 'attempted'> & { attempted_json: string | null }>();
  return results.map(({ attempted_json, ...r }) => ({ ...r, attempted: attempted_json === null ? null : JSON.parse(attempted_json) }));
}
