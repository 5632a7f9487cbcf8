/**
 * Boundary checks for the panel's two responses. The bundle stays preact-only (no zod in the
 * browser), so this checks the envelope, each section's state and the fields the panel relies on
 * for layout; a section that does not match is shown as unavailable (code `unreadable_section`)
 * instead of crashing the render.
 */
import { isRecord } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import type { AccountView, AuditItem, Owners, Section, SourceLinks, SourceSectionKey } from './types.js';

/** The AccountView schema version this bundle renders (docs/account-view.md). */
export const VIEW_SCHEMA_VERSION = 3;

/** Error code the panel gives a section whose answer it cannot read. */
export const UNREADABLE = 'unreadable_section';

const SECTIONS = ['receivables', 'contract', 'health', 'onboarding', 'escalations'] as const satisfies readonly SourceSectionKey[];

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isArr = Array.isArray;

/** Checks of the data of each section (the fields the panel lays out). */
const DATA: Record<SourceSectionKey, (d: unknown) => boolean> = {
  receivables: (r) => isRecord(r) && isStr(r['currency']) && isNum(r['openTotal']) && isArr(r['openInvoices']),
  contract: (c) => isRecord(c) && isStr(c['renewalDate']) && isNum(c['daysToRenewal']),
  health: (h) => isRecord(h) && isNum(h['score']) && isArr(h['history']),
  onboarding: (o) => isRecord(o) && isArr(o['milestones']),
  escalations: (e) => isArr(e) && e.every((x) => isRecord(x) && isStr(x['id']) && isStr(x['subject'])),
};

/** One section's state; anything malformed becomes `unavailable` with {@link UNREADABLE}. */
export function parseSection<T>(raw: unknown, dataOk: (d: unknown) => boolean): Section<T> {
  const unreadable: Section<T> = { state: 'unavailable', error: UNREADABLE };
  if (!isRecord(raw)) return unreadable;
  switch (raw['state']) {
    case 'ok':
      return dataOk(raw['data']) ? { state: 'ok', data: raw['data'] as T } : unreadable;
    case 'stale':
      if (!dataOk(raw['data']) || !isNum(raw['ageSeconds'])) return unreadable;
      return { state: 'stale', data: raw['data'] as T, ageSeconds: raw['ageSeconds'], ...(isStr(raw['error']) ? { error: raw['error'] } : {}) };
    case 'none':
      return { state: 'none' };
    case 'not_linked':
      return { state: 'not_linked' };
    case 'unavailable':
      return { state: 'unavailable', error: isStr(raw['error']) ? raw['error'] : UNREADABLE };
    default:
      return unreadable;
  }
}

/** Validate an AccountView body; a malformed section is shown as unavailable. */
export function parseAccountView(body: unknown): Result<AccountView> {
  const bad = (message: string): Result<AccountView> => ({ ok: false, error: { kind: 'invalid', message } });
  if (!isRecord(body)) return bad('view is not an object');
  if (body['schemaVersion'] !== VIEW_SCHEMA_VERSION) return bad(`unsupported schemaVersion ${String(body['schemaVersion'])}`);
  const account = body['account'];
  if (!isRecord(account) || !isStr(account['id']) || !isStr(account['name'])) return bad('account is missing');
  const risk = body['risk'];
  const view = {
    schemaVersion: VIEW_SCHEMA_VERSION,
    tenant: isStr(body['tenant']) ? body['tenant'] : '',
    account: account as AccountView['account'],
    links: isArr(body['links']) ? body['links'].filter((l): l is AccountView['links'][number] => isRecord(l) && isStr(l['system'])) : [],
    receivables: parseSection(body['receivables'], DATA.receivables),
    contract: parseSection(body['contract'], DATA.contract),
    health: parseSection(body['health'], DATA.health),
    onboarding: parseSection(body['onboarding'], DATA.onboarding),
    escalations: parseSection(body['escalations'], DATA.escalations),
    risk: isRecord(risk) && isStr(risk['level']) && isArr(risk['reasons']) ? (risk as AccountView['risk']) : null,
    financeHold: parseFinanceHold(body['financeHold']),
    renewalHold: parseRenewalHold(body['renewalHold']),
    owners: parseOwners(body['owners']),
    freshness: isRecord(body['freshness']) ? (body['freshness'] as AccountView['freshness']) : {},
    sourceLinks: parseSourceLinks(body['sourceLinks']),
  } as AccountView;
  return { ok: true, value: view };
}

/** The finance hold, or null when there is none or it cannot be read (the panel then claims nothing about it). */
function parseFinanceHold(raw: unknown): AccountView['financeHold'] {
  if (!isRecord(raw) || typeof raw['onHold'] !== 'boolean' || !isNum(raw['amount']) || !isStr(raw['currency']) || !isNum(raw['overdueDays']) || !isNum(raw['minAmount'])) return null;
  return { onHold: raw['onHold'], amount: raw['amount'], currency: raw['currency'], overdueDays: raw['overdueDays'], minAmount: raw['minAmount'] };
}

const STALL_REASONS = ['blocked', 'past_due', 'no_progress'] as const;
const strOrNull = (v: unknown): string | null => (isStr(v) ? v : null);

/**
 * The renewal hold, or null when there is none, it cannot be read, or the view predates it (the
 * panel then claims nothing about it). A hold on without a milestone is still shown as a hold.
 */
function parseRenewalHold(raw: unknown): AccountView['renewalHold'] {
  if (!isRecord(raw) || typeof raw['onHold'] !== 'boolean') return null;
  const reason = STALL_REASONS.find((r) => r === raw['reason']) ?? null;
  return { onHold: raw['onHold'], milestone: strOrNull(raw['milestone']), reason, dueDate: strOrNull(raw['dueDate']), since: strOrNull(raw['since']) };
}

/** Validate `{items:[{at, actor, action, source, summary}]}`; malformed items are skipped, a missing source is null. */
export function parseAudit(body: unknown): Result<AuditItem[]> {
  if (!isRecord(body) || !isArr(body['items'])) return { ok: false, error: { kind: 'invalid', message: 'audit has no items' } };
  const items = body['items'].flatMap((i): AuditItem[] =>
    isRecord(i) && isStr(i['at']) && isStr(i['actor']) && isStr(i['action']) && isStr(i['summary'])
      ? [{ at: i['at'], actor: i['actor'], action: i['action'], summary: i['summary'], source: isStr(i['source']) ? i['source'] : null }]
      : [],
  );
  return { ok: true, value: items };
}

/** Owners per section; a missing or non-string entry means "no system of record known". */
function parseOwners(raw: unknown): Owners {
  const src = isRecord(raw) ? raw : {};
  const entries = SECTIONS.map((k) => [k, isStr(src[k]) ? src[k] : null] as const);
  return Object.fromEntries(entries) as Owners;
}

/** Only plain https links are kept: a link is rendered as an anchor, so nothing else may pass. */
function parseSourceLinks(raw: unknown): SourceLinks {
  if (!isRecord(raw)) return {};
  const out: Record<string, string> = {};
  for (const [system, url] of Object.entries(raw)) if (isStr(url) && isHttpsLink(url)) out[system] = url;
  return out as SourceLinks;
}

/** An https URL without credentials (what the broker's schema allows; checked again here). */
export function isHttpsLink(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && !u.username && !u.password;
  } catch {
    return false;
  }
}
