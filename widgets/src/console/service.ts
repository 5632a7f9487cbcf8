/**
 * The admin console's data service over the broker's tenant admin API. Authenticates with the
 * admin session cookie (`credentials: 'include'`); the fetch and the navigation are injectable.
 */
import { joinUrl, requestJson, type FetchLike } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import { parseAutomations, parseClosedWonSettings, parseConnections, parseDeadLetters, parseDecided, parseIntake, parseOwnership, parseRefusals, parseReviews, parseRuns, parseSyncRun, parseSyncRuns } from './parse.js';
import type { AutomationPolicy, Automations, ClosedWonSettings, Connection, DeadLetter, FlowRun, Intake, NetSuiteCredentials, NetSuiteTbaCredentials, OwnershipRule, ReviewCase, ReviewDecision, RunStatus, SyncKind, SyncRun, SyncRunDetail, SystemId, VitallyCredentials, WriteRefusal } from './types.js';

/** What the console needs from the broker. */
export interface ConsoleService {
  listConnections(): Promise<Result<Connection[]>>;
  /** URL that starts the OAuth dance for HubSpot / Salesforce. */
  connectUrl(system: SystemId): string;
  connectNetSuite(creds: NetSuiteCredentials | NetSuiteTbaCredentials): Promise<Result<unknown>>;
  connectVitally(creds: VitallyCredentials): Promise<Result<unknown>>;
  disconnect(system: SystemId): Promise<Result<unknown>>;
  getOwnership(): Promise<Result<OwnershipRule[]>>;
  saveOwnership(rules: OwnershipRule[]): Promise<Result<unknown>>;
  listDeadLetters(): Promise<Result<DeadLetter[]>>;
  replay(id: string): Promise<Result<unknown>>;
  /** Closed-won runs, newest first (optionally of one status). */
  listRuns(status?: RunStatus): Promise<Result<FlowRun[]>>;
  /** Re-check a blocked run or re-run a failed run's step. */
  retryRun(id: string): Promise<Result<unknown>>;
  listWriteRefusals(): Promise<Result<WriteRefusal[]>>;
  getClosedWonSettings(): Promise<Result<ClosedWonSettings>>;
  saveClosedWonSettings(settings: ClosedWonSettings): Promise<Result<ClosedWonSettings>>;
  /** Identity review cases, open ones or decided ones. */
  listReviews(status: 'open' | 'decided'): Promise<Result<ReviewCase[]>>;
  decideReview(id: string, decision: ReviewDecision): Promise<Result<ReviewCase>>;
  /** Takes a wrongly linked record out of an account (kept apart from then on). */
  split(accountId: string, record: { system: string; externalId: string }): Promise<Result<unknown>>;
  /** Recent sync runs (reconcile and backfill), newest first. */
  listSyncRuns(): Promise<Result<SyncRun[]>>;
  /** One sync run with its drift report. */
  getSyncRun(id: string): Promise<Result<SyncRunDetail>>;
  /** Starts a reconcile (optionally a dry run) or a backfill; 409 while one of that kind runs. */
  startSyncRun(kind: SyncKind, dryRun: boolean): Promise<Result<SyncRun>>;
  /** Per change source (NetSuite, Vitally): the last change recorded with its lag, and the polls' checkpoints. */
  getIntake(): Promise<Result<Intake>>;
  /** The lifecycle automations: the tenant's policy, when each acts, what it does, whether it is on. */
  getAutomations(): Promise<Result<Automations>>;
  /** Saves the tenant's automation policy; answers the automations as saved (422 names each refused field). */
  saveAutomations(policy: AutomationPolicy): Promise<Result<Automations>>;
}

/** Options for {@link createFetchConsoleService}. */
export interface FetchConsoleServiceOptions {
  apiBase: string;
  tenant: string;
  fetch?: FetchLike;
}

/** Service over `{apiBase}/v1/tenants/{tenant}/...`. */
export function createFetchConsoleService(opts: FetchConsoleServiceOptions): ConsoleService {
  const fetchFn: FetchLike = opts.fetch ?? ((u, i) => globalThis.fetch(u, i));
  const base = joinUrl(opts.apiBase, `/v1/tenants/${encodeURIComponent(opts.tenant)}`);
  const call = (method: string, path: string, body?: unknown) =>
    requestJson(fetchFn, base + path, {
      method,
      credentials: 'include',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  return {
    async listConnections() {
      const r = await call('GET', '/connections');
      return r.ok ? parseConnections(r.value) : r;
    },
    connectUrl: (system) => `${base}/connect/${system}/start`,
    connectNetSuite: (creds) => call('POST', '/connections/netsuite', creds),
    connectVitally: (creds) => call('POST', '/connections/vitally', creds),
    disconnect: (system) => call('DELETE', `/connections/${system}`),
    async getOwnership() {
      const r = await call('GET', '/ownership');
      return r.ok ? parseOwnership(r.value) : r;
    },
    // `allowed` is read-only metadata from the broker; only the assignments are sent back.
    saveOwnership: (rules) => call('PUT', '/ownership', { rules: rules.map(({ entity, field, owner }) => ({ entity, field, owner })) }),
    async listDeadLetters() {
      const r = await call('GET', '/dead-letters');
      return r.ok ? parseDeadLetters(r.value) : r;
    },
    replay: (id) => call('POST', `/dead-letters/${encodeURIComponent(id)}/replay`),
    async listRuns(status) {
      const r = await call('GET', `/flows/runs?limit=50${status ? `&status=${status}` : ''}`);
      return r.ok ? parseRuns(r.value) : r;
    },
    retryRun: (id) => call('POST', `/flows/runs/${encodeURIComponent(id)}/retry`),
    async listWriteRefusals() {
      const r = await call('GET', '/write-refusals?limit=50');
      return r.ok ? parseRefusals(r.value) : r;
    },
    async getClosedWonSettings() {
      const r = await call('GET', '/flows/settings/closed-won');
      return r.ok ? parseClosedWonSettings(r.value) : r;
    },
    async saveClosedWonSettings(settings) {
      const r = await call('PUT', '/flows/settings/closed-won', settings);
      return r.ok ? parseClosedWonSettings(r.value) : r;
    },
    async listReviews(status) {
      const r = await call('GET', `/identity/reviews?status=${status}&limit=100`);
      return r.ok ? parseReviews(r.value) : r;
    },
    async decideReview(id, decision) {
      const r = await call('POST', `/identity/reviews/${encodeURIComponent(id)}/decision`, decision);
      return r.ok ? parseDecided(r.value) : r;
    },
    split: (accountId, record) => call('POST', '/identity/split', { accountId, system: record.system, externalId: record.externalId }),
    async listSyncRuns() {
      const r = await call('GET', '/sync/runs?limit=10');
      return r.ok ? parseSyncRuns(r.value) : r;
    },
    async getSyncRun(id) {
      const r = await call('GET', `/sync/runs/${encodeURIComponent(id)}?driftLimit=200`);
      return r.ok ? parseSyncRun(r.value) : r;
    },
    async startSyncRun(kind, dryRun) {
      const r = await call('POST', '/sync/runs', kind === 'reconcile' ? { kind, dryRun } : { kind });
      if (!r.ok) return r;
      const run = parseSyncRuns({ items: [r.value] });
      return run.ok && run.value[0] ? { ok: true, value: run.value[0] } : { ok: false, error: { kind: 'invalid', message: 'not a sync run' } };
    },
    async getIntake() {
      const r = await call('GET', '/ops/intake');
      return r.ok ? parseIntake(r.value) : r;
    },
    async getAutomations() {
      const r = await call('GET', '/ops/automations');
      return r.ok ? parseAutomations(r.value) : r;
    },
    async saveAutomations(policy) {
      const r = await call('PUT', '/ops/automations', policy);
      return r.ok ? parseAutomations(r.value) : r;
    },
  };
}
