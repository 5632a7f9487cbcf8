/**
 * Boundary checks for console responses (no zod in the browser bundle): keep well-formed rows,
 * reject envelopes that are not what the console expects.
 */
import { isRecord } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import { SYSTEMS, type Automation, type AutomationPolicy, type Automations, type ClosedWonSettings, type Connection, type DeadLetter, type DriftRow, type FlowRun, type Intake, type IntakeEvent, type IntakeSource, type IntakeStream, type OwnershipRule, type ReviewCase, type ReviewSide, type SyncRun, type SyncRunDetail, type SystemId, type WriteRefusal } from './types.js';

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

const RUN_STATUSES = ['queued', 'running', 'blocked', 'failed', 'completed'];

/** `{items:[run], next}` → closed-won runs (rows without an id, a status or times are dropped). */
export function parseRuns(body: unknown): Result<FlowRun[]> {
  const list = items(body);
  if (list === null) return invalid('runs has no items');
  const value = list
    .filter((r): r is Record<string, unknown> => isRecord(r) && isStr(r['id']) && RUN_STATUSES.includes(r['status'] as string) && isStr(r['createdAt']) && isStr(r['updatedAt']))
    .map((r) => ({
      ...(r as unknown as FlowRun),
      exceptions: Array.isArray(r['exceptions']) ? r['exceptions'].filter((e) => isRecord(e) && isStr(e['code'])) as FlowRun['exceptions'] : null,
      result: isRecord(r['result']) ? (r['result'] as FlowRun['result']) : null,
    }));
  return { ok: true, value };
}

/** `{items:[refusal], next}` → write refusals. */
export function parseRefusals(body: unknown): Result<WriteRefusal[]> {
  const list = items(body);
  if (list === null) return invalid('write refusals has no items');
  const value = list.filter(
    (r): r is WriteRefusal => isRecord(r) && isStr(r['id']) && isStr(r['at']) && isStr(r['field']) && isStr(r['targetSystem']) && isStr(r['flow']),
  );
  return { ok: true, value };
}

/** The closed-won settings object (every field the form edits must be there). */
export function parseClosedWonSettings(body: unknown): Result<ClosedWonSettings> {
  if (!isRecord(body)) return invalid('settings is not an object');
  const onboarding = body['onboarding'];
  const ok =
    Array.isArray(body['taxIdCountries']) && isRecord(body['termsMap']) && typeof body['escalateAfterHours'] === 'number' &&
    isRecord(onboarding) && isStr(onboarding['name']) && Array.isArray(onboarding['milestones']);
  return ok ? { ok: true, value: body as unknown as ClosedWonSettings } : invalid('settings lack fields the form edits');
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

const SYNC_KINDS = ['reconcile', 'backfill'];
const SYNC_STATUSES = ['queued', 'running', 'completed', 'failed'];

function syncRun(r: unknown): SyncRun | null {
  if (!isRecord(r) || !isStr(r['id']) || !SYNC_KINDS.includes(r['kind'] as string) || !SYNC_STATUSES.includes(r['status'] as string)) return null;
  const p = r['progress'];
  if (!isRecord(p) || typeof p['done'] !== 'number' || typeof p['total'] !== 'number' || typeof p['percent'] !== 'number') return null;
  if (!isStr(r['createdAt']) || !isStr(r['updatedAt'])) return null;
  return { ...(r as unknown as SyncRun), counts: isRecord(r['counts']) ? (r['counts'] as SyncRun['counts']) : {} };
}

/** `{items:[run]}` → sync runs (malformed rows dropped). */
export function parseSyncRuns(body: unknown): Result<SyncRun[]> {
  const list = items(body);
  if (list === null) return invalid('sync runs has no items');
  return { ok: true, value: list.map(syncRun).filter((r): r is SyncRun => r !== null) };
}

/** One sync run with its drift report. */
export function parseSyncRun(body: unknown): Result<SyncRunDetail> {
  const run = syncRun(body);
  if (!run) return invalid('not a sync run');
  const drift = Array.isArray((body as Record<string, unknown>)['drift']) ? ((body as Record<string, unknown>)['drift'] as unknown[]) : [];
  return {
    ok: true,
    value: { ...run, drift: drift.filter((d): d is DriftRow => isRecord(d) && isStr(d['field']) && isStr(d['system']) && isStr(d['outcome']) && isStr(d['reason'])) },
  };
}

const INTAKE_SOURCES: IntakeSource[] = ['netsuite', 'vitally', 'salesforce'];
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function intakeEvent(e: unknown): IntakeEvent | null {
  return isRecord(e) && isStr(e['objectType']) && isStr(e['objectId']) && isStr(e['changedAt']) && isStr(e['recordedAt']) && isNum(e['lagMs']) && isStr(e['status'])
    ? (e as unknown as IntakeEvent)
    : null;
}

function intakeStream(s: unknown): s is IntakeStream {
  return (
    isRecord(s) && isStr(s['stream']) && isStr(s['checkpoint']) && isNum(s['behindMs']) && isStr(s['lastRunAt']) && isNum(s['lastFound']) &&
    (s['lastError'] === null || isStr(s['lastError']))
  );
}

/** `{tenant, sources:[{source, lastEvent, streams}], accountsWaiting}` → the change intake (unknown sources and malformed rows dropped). */
export function parseIntake(body: unknown): Result<Intake> {
  const list = items(body, 'sources');
  if (list === null || !isNum((body as Record<string, unknown>)['accountsWaiting'])) return invalid('intake has no sources or no accountsWaiting');
  const sources = list
    .filter((s): s is Record<string, unknown> => isRecord(s) && INTAKE_SOURCES.includes(s['source'] as IntakeSource))
    .map((s) => ({
      source: s['source'] as IntakeSource,
      lastEvent: intakeEvent(s['lastEvent']),
      streams: Array.isArray(s['streams']) ? s['streams'].filter(intakeStream) : [],
    }));
  return { ok: true, value: { sources, accountsWaiting: (body as Record<string, number>)['accountsWaiting']! } };
}

/** `{editable, automations:[{key, name, enabled, when, does, ...thresholds}]}` → the automations. */
export function parseAutomations(body: unknown): Result<Automations> {
  const list = items(body, 'automations');
  if (list === null) return invalid('automations has no automations');
  const automations = list.filter(
    (a): a is Automation => isRecord(a) && isStr(a['key']) && isStr(a['name']) && typeof a['enabled'] === 'boolean' && isStr(a['when']) && isStr(a['does']),
  );
  const raw = (body as Record<string, unknown>)['policy'];
  const parts = ['financeHold', 'healthDrop', 'onboardingStalled', 'renewalRisk'];
  const policy = isRecord(raw) && parts.every((k) => isRecord(raw[k]) && typeof (raw[k] as Record<string, unknown>)['enabled'] === 'boolean') ? (raw as unknown as AutomationPolicy) : null;
  return { ok: true, value: { editable: (body as Record<string, unknown>)['editable'] === true && policy !== null, policy, automations } };
}
