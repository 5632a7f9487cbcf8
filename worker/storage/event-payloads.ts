/**
 * Values of change events too large for one queue message, stored by reference (table
 * `event_payloads`, migration 0007): the message carries `valueRef`, the consumer reads the value
 * back before applying and deletes it once applied. Kept while the change is retried or sits in
 * the dead-letter store, so a replay still finds it. Tenant-scoped like every event table.
 */

/** The reference of a change's value: stable per change, so a re-delivery overwrites its own row. */
export function payloadRef(idemKey: string): string {
  return `ep_${idemKey.slice(0, 32)}`;
}

export function putPayloadStatement(db: D1Database, tenantId: string, ref: string, value: string): D1PreparedStatement {
  return db
    .prepare('INSERT INTO event_payloads (tenant_id, ref, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, ref) DO UPDATE SET value = excluded.value')
    .bind(tenantId, ref, value, Date.now());
}

export async function getPayload(db: D1Database, tenantId: string, ref: string): Promise<string | null> {
  const row = await db.prepare('SELECT value FROM event_payloads WHERE tenant_id = ? AND ref = ?').bind(tenantId, ref).first<{ value: string }>();
  return row?.value ?? null;
}

export async function dropPayload(db: D1Database, tenantId: string, ref: string): Promise<void> {
  await db.prepare('DELETE FROM event_payloads WHERE tenant_id = ? AND ref = ?').bind(tenantId, ref).run();
}
