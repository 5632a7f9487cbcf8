/**
 * Boundary checks for console responses (no zod in the browser bundle): keep well-formed rows,
 * reject envelopes that are not what the console expects.
 */
import { isRecord } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import { SYSTEMS, type Connection, type DeadLetter, type OwnershipRule, type SystemId } from './types.js';

const isStr = (v: unknown): v is string => typeof v === 'string';

function items(body: unknown, key = 'items'): unknown[] | null {
  return isRecord(body) && Array.isArray(body[key]) ? body[key] : null;
}

const invalid = (message: string) => ({ ok: false as const, error: { kind: 'invalid' as const, message } });

/** `{items:[{system,status,...}]}` → connections for known systems. */
export function parseConnections(body: unknown): Result<Connection[]> {
  const list = items(body);
  if (list === null) return invalid('connections has no items');
  const value = list.filter(
    (c): c is Connection => isRecord(c) && SYSTEMS.includes(c['system'] as SystemId) && isStr(c['status']),
  );
  return { ok: true, value };
}

/** `{rules:[{entity,field,owner}]}` → ownership rules. */
export function parseOwnership(body: unknown): Result<OwnershipRule[]> {
  const list = items(body, 'rules');
  if (list === null) return invalid('ownership has no rules');
  const value = list.filter(
    (r): r is OwnershipRule => isRecord(r) && isStr(r['entity']) && isStr(r['field']) && isStr(r['owner']),
  );
  return { ok: true, value };
}

/** `{items:[{id,kind,error,failedAt}]}` → dead letters. */
export function parseDeadLetters(body: unknown): Result<DeadLetter[]> {
  const list = items(body);
  if (list === null) return invalid('dead letters has no items');
  const value = list.filter(
    (d): d is DeadLetter => isRecord(d) && isStr(d['id']) && isStr(d['kind']) && isStr(d['error']) && isStr(d['failedAt']),
  );
  return { ok: true, value };
}
