/**
 * Boundary checks for the panel's two responses. The bundle stays preact-only (no zod in the
 * browser), so this checks the envelope and the fields the panel relies on for layout; sections
 * that do not match are treated as unavailable instead of crashing the render.
 */
import { isRecord } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import type { AccountView, AuditItem, Owners } from './types.js';

const SECTIONS = ['receivables', 'contract', 'health', 'onboarding', 'escalations'] as const;

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isArr = Array.isArray;

/** Validate an AccountView body; drops malformed optional sections to `null`. */
export function parseAccountView(body: unknown): Result<AccountView> {
  const bad = (message: string): Result<AccountView> => ({ ok: false, error: { kind: 'invalid', message } });
  if (!isRecord(body)) return bad('view is not an object');
  if (body['schemaVersion'] !== 1) return bad(`unsupported schemaVersion ${String(body['schemaVersion'])}`);
  const account = body['account'];
  if (!isRecord(account) || !isStr(account['id']) || !isStr(account['name'])) return bad('account is missing');
  const section = <T>(key: string, ok: (v: Record<string, unknown>) => boolean): T | null => {
    const v = body[key];
    return isRecord(v) && ok(v) ? (v as T) : null;
  };
  const view: AccountView = {
    schemaVersion: 1,
    tenant: isStr(body['tenant']) ? body['tenant'] : '',
    account: account as AccountView['account'],
    links: isArr(body['links']) ? body['links'].filter((l): l is AccountView['links'][number] => isRecord(l) && isStr(l['system'])) : [],
    receivables: section('receivables', (r) => isStr(r['currency']) && isNum(r['openTotal']) && isArr(r['openInvoices'])),
    contract: section('contract', (c) => isStr(c['renewalDate']) && isNum(c['daysToRenewal'])),
    health: section('health', (h) => isNum(h['score']) && isArr(h['history'])),
    onboarding: section('onboarding', (o) => isArr(o['milestones'])),
    escalations: isArr(body['escalations']) ? (body['escalations'] as AccountView['escalations']) : null,
    risk: section('risk', (r) => isStr(r['level']) && isArr(r['reasons'])),
    owners: parseOwners(body['owners']),
    freshness: isRecord(body['freshness']) ? (body['freshness'] as AccountView['freshness']) : {},
  };
  return { ok: true, value: view };
}

/** Validate `{items:[{at, actor, action, summary}]}`; malformed items are skipped. */
export function parseAudit(body: unknown): Result<AuditItem[]> {
  if (!isRecord(body) || !isArr(body['items'])) return { ok: false, error: { kind: 'invalid', message: 'audit has no items' } };
  const items = body['items'].filter(
    (i): i is AuditItem => isRecord(i) && isStr(i['at']) && isStr(i['actor']) && isStr(i['action']) && isStr(i['summary']),
  );
  return { ok: true, value: items };
}

/** Owners per section; a missing or non-string entry means "no system of record known". */
function parseOwners(raw: unknown): Owners {
  const src = isRecord(raw) ? raw : {};
  const entries = SECTIONS.map((k) => [k, isStr(src[k]) ? src[k] : null] as const);
  return Object.fromEntries(entries) as Owners;
}
