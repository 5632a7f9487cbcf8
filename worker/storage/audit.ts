/** Audit log writes: every create/update Concord makes, with actor and correlation id. */

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  correlationId: string;
}

/** A prepared INSERT so callers can put the audit row in the same D1 batch (transaction) as the change. */
export function auditStatement(db: D1Database, e: AuditEntry): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, before_json, after_json, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(
      e.tenantId,
      crypto.randomUUID(),
      new Date().toISOString(),
      e.actor,
      e.action,
      e.entityType,
      e.entityId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.correlationId,
    );
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  correlationId: string;
}

/** Newest first, paged by `at` cursor. */
export async function listAudit(
  db: D1Database,
  tenantId: string,
  filter: {
    entityType?: string;
    entityId?: string;
    /** Entries about any of these entities (each pair uses the entity index); at most 40. */
    entities?: readonly { type: string; id: string }[];
    /** Actions left out (e.g. changes that were recorded but not applied). */
    excludeActions?: readonly string[];
    before?: string;
    /** Keyset cursor: entries after this one in the newest-first order (ties on `at` broken by id). */
    beforeKey?: { at: string; id: string };
    limit: number;
  },
): Promise<AuditRow[]> {
  const where = ['tenant_id = ?'];
  const args: unknown[] = [tenantId];
  if (filter.entityType) (where.push('entity_type = ?'), args.push(filter.entityType));
  if (filter.entityId) (where.push('entity_id = ?'), args.push(filter.entityId));
  if (filter.entities) {
    // D1 binds at most 100 parameters per query; an account has a handful of linked records.
    const entities = filter.entities.slice(0, 40);
    if (entities.length === 0) return [];
    where.push(`(${entities.map(() => '(entity_type = ? AND entity_id = ?)').join(' OR ')})`);
    for (const e of entities) args.push(e.type, e.id);
  }
  for (const action of (filter.excludeActions ?? []).slice(0, 10)) (where.push('action <> ?'), args.push(action));
  if (filter.before) (where.push('at < ?'), args.push(filter.before));
  // Lines written in one batch share their instant: the id keeps a page boundary between them exact.
  if (filter.beforeKey) (where.push('(at < ? OR (at = ? AND id < ?))'), args.push(filter.beforeKey.at, filter.beforeKey.at, filter.beforeKey.id));
  const { results } = await db
    .prepare(
      `SELECT id, at, actor, action, entity_type AS entityType, entity_id AS entityId, before_json, after_json, correlation_id AS correlationId
       FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
    )
    .bind(...args, filter.limit)
    .all<Omit<AuditRow, 'before' | 'after'> & { before_json: string | null; after_json: string | null }>();
  return results.map(({ before_json, after_json, ...r }) => ({
    ...r,
    before: before_json ? JSON.parse(before_json) : null,
    after: after_json ? JSON.parse(after_json) : null,
  }));
}
