/**
 * Boundary checks for console responses (no zod in the browser bundle): keep well-formed rows,
 * reject envelopes that are not what the console expects.
 */
import { isRecord } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import { SYSTEMS, type Connection, type DeadLetter, type OwnershipRule, type ReviewCase, type ReviewSide, type SystemId } from './types.js';

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

const STATUSES = ['open', 'approved', 'rejected', 'linked', 'superseded'];

function isSide(v: unknown): v is ReviewSide {
  return isRecord(v) && isStr(v['system']) && isStr(v['externalId']) && isStr(v['label']) && isRecord(v['fields']) && isStr(v['fields']['name']);
}

/** `{items:[{id,status,score,reasons,subject,candidate}]}` → review cases (malformed ones left out). */
export function parseReviews(body: unknown): Result<ReviewCase[]> {
  const list = items(body);
  if (list === null) return invalid('reviews has no items');
  const value = list.filter(
    (c): c is ReviewCase =>
      isRecord(c) && isStr(c['id']) && STATUSES.includes(c['status'] as string) && typeof c['score'] === 'number' &&
      Array.isArray(c['reasons']) && isSide(c['subject']) && isSide(c['candidate']),
  );
  return { ok: true, value };
}

/** `{case:{...}}` of a decision → the case after it. */
export function parseDecided(body: unknown): Result<ReviewCase> {
  const parsed = parseReviews({ items: isRecord(body) ? [body['case']] : [] });
  return parsed.ok && parsed.value.length === 1 ? { ok: true, value: parsed.value[0]! } : invalid('decision has no case');
}
