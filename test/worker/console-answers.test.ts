/**
 * The admin console's closed-won sections are tested with saved broker answers
 * (test/fixtures/concord/); here the broker itself, inside workerd, answers the same requests and
 * each saved answer must have the live answer's shape (fields, JSON types, nesting): the runs list
 * per status, a retry, the write refusals, the closed-won settings and the field-by-field problem
 * a wrong settings body gets, a closed-won run's dead letter with its run and step, and the sync
 * runs list, one reconcile run with its drift report, a started run and the 409 of a second one;
 * the change intake (each source's last change and poll streams) and the lifecycle automations
 * (the tenant's policy, a saved change and the field-by-field problem of a wrong one).
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertRun, setRunState } from '../../worker/storage/flow-runs.js';
import { insertAccount } from '../../worker/storage/identity.js';
import { putDeadLetter } from '../../worker/storage/events.js';
import { saveCheckpointStatement } from '../../worker/storage/poll-checkpoints.js';
import { applyRecordChange } from '../../worker/storage/record-changes.js';
import { advanceSyncRun, createSyncRun, insertDrift, type DriftRow, type SyncRun } from '../../worker/storage/sync-runs.js';
import { refusalStatement } from '../../worker/storage/write-refusals.js';
// JSON imports: workerd has no file system to read test/fixtures/concord/index.ts's way.
import automations from '../fixtures/concord/automations.json';
import closedWonSettings from '../fixtures/concord/closed-won-settings.json';
import deadLetters from '../fixtures/concord/dead-letters.json';
import flowRunRetried from '../fixtures/concord/flow-run-retried.json';
import flowRuns from '../fixtures/concord/flow-runs.json';
import intake from '../fixtures/concord/intake.json';
import automationsInvalid from '../fixtures/concord/problems/automations-invalid.json';
import settingsInvalid from '../fixtures/concord/problems/settings-invalid.json';
import syncRunActive from '../fixtures/concord/problems/sync-run-active.json';
import syncRunReconcile from '../fixtures/concord/sync-run-reconcile.json';
import syncRunStarted from '../fixtures/concord/sync-run-started.json';
import syncRuns from '../fixtures/concord/sync-runs.json';
import writeRefusals from '../fixtures/concord/write-refusals.json';
import { shapeDiff } from '../support/payload-shape.js';
import { api, provision } from './helpers.js';

const TENANT = 'console-t';
let key: string;

const answers = { flowRuns, flowRunRetried, writeRefusals, closedWonSettings, deadLetters } as Record<string, unknown>;
const problems = { settingsInvalid, syncRunActive, automationsInvalid } as Record<string, unknown>;

type Run = { id: string; status: string } & Record<string, unknown>;
const fixtureRuns = (answers['flowRuns'] as { items: Run[] }).items;

beforeAll(async () => {
  key = await provision(TENANT);
  // One run in each state the saved list has, recorded as the flow records them.
  for (const run of fixtureRuns) {
    await env.DB.batch([
      insertRun(env.DB, TENANT, { id: run.id, flow: 'closed-won', sourceSystem: String(run['sourceSystem']), sourceRecord: String(run['sourceRecord']), correlationId: String(run['correlationId']) }),
      setRunState(env.DB, TENANT, run.id, { status: run.status as 'blocked', step: (run['step'] as string | null) ?? null, exceptions: run['exceptions'] ?? undefined, result: run['result'] ?? undefined }),
    ]);
  }
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const res = await api(`/v1/tenants/${TENANT}${path}`, { key });
  return { status: res.status, body: await res.json() };
}

describe('saved console answers match the broker', () => {
  it('GET /flows/runs: every saved run has the shape of the live run in the same state', async () => {
    const live = await get('/flows/runs');
    expect(live.status).toBe(200);
    const body = live.body as { items: Run[]; next: unknown };
    expect(shapeDiff({ ...(answers['flowRuns'] as object), items: [] }, { ...body, items: [] })).toEqual([]);
    for (const saved of fixtureRuns) {
      const mine = body.items.find((r) => r.id === saved.id);
      expect(mine?.status, saved.id).toBe(saved.status);
      expect(shapeDiff(saved, mine), saved.id).toEqual([]);
    }
  });

  it('POST /flows/runs/:id/retry answers {id, status}', async () => {
    const completed = fixtureRuns.find((r) => r.status === 'completed')!;
    const res = await api(`/v1/tenants/${TENANT}/flows/runs/${completed.id}/retry`, { method: 'POST', key });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ id: completed.id, status: 'completed' });
    expect(shapeDiff(answers['flowRunRetried'], body)).toEqual([]);
  });

  it('GET /write-refusals', async () => {
    const saved = (answers['writeRefusals'] as { items: Record<string, unknown>[] }).items[0]!;
    await refusalStatement(
      env.DB,
      TENANT,
      {
        flow: String(saved['flow']),
        correlationId: String(saved['correlationId']),
        targetSystem: String(saved['targetSystem']),
        source: String(saved['source']),
        entity: String(saved['entity']),
        recordId: String(saved['recordId']),
        recordCount: 1,
        accountId: String(saved['accountId']),
        attribute: String(saved['attribute']),
        field: String(saved['field']),
        owner: 'crm',
        reason: 'not_owner',
        attempted: saved['attempted'],
      },
      String(saved['at']),
    ).run();
    const live = await get('/write-refusals');
    expect(live.status).toBe(200);
    expect(shapeDiff(answers['writeRefusals'], live.body)).toEqual([]);
    expect((live.body as { items: unknown[] }).items[0]).toMatchObject({ field: 'health.score', owner: 'crm', attempted: 64 });
  });

  it('GET and PUT /flows/settings/closed-won, and the problem a wrong body gets, field by field', async () => {
    const defaults = await get('/flows/settings/closed-won');
    expect(defaults.status).toBe(200);
    // termsMap is a map (CRM text → ERP term id): its keys are data, not fields; the defaults have none.
    const withoutTerms = (s: unknown) => ({ ...(s as object), termsMap: {} });
    expect(shapeDiff(withoutTerms(answers['closedWonSettings']), withoutTerms(defaults.body))).toEqual([]);

    const put = await api(`/v1/tenants/${TENANT}/flows/settings/closed-won`, { method: 'PUT', key, body: JSON.stringify(answers['closedWonSettings']) });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual(answers['closedWonSettings']);
    // What the console reads back is what was stored, key for key.
    expect((await get('/flows/settings/closed-won')).body).toEqual(answers['closedWonSettings']);

    // What the console sends for "DE, Germany" and a milestone due "soon".
    const wrong = structuredClone(answers['closedWonSettings']) as { taxIdCountries: string[]; onboarding: { milestones: { dueAfterDays: unknown }[] } };
    wrong.taxIdCountries = ['DE', 'GERMANY'];
    wrong.onboarding.milestones[1]!.dueAfterDays = 'soon';
    const refused = await api(`/v1/tenants/${TENANT}/flows/settings/closed-won`, { method: 'PUT', key, body: JSON.stringify(wrong) });
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { errors: { path: string; message: string }[] };
    expect(shapeDiff(problems['settingsInvalid'], problem)).toEqual([]);
    const saved = problems['settingsInvalid'] as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => [e.path, e.message])).toEqual(saved.errors.map((e) => [e.path, e.message]));
  });

  it("GET /dead-letters names a closed-won run's run and step", async () => {
    const letters = (answers['deadLetters'] as { items: Record<string, unknown>[] }).items;
    const flow = letters.find((l) => l['kind'] === 'flow.closed-won')!;
    await putDeadLetter(env.DB, {
      tenantId: TENANT,
      id: String(flow['id']),
      kind: 'flow.closed-won',
      summary: String(flow['summary']),
      payload: { runId: flow['runId'], step: flow['step'], params: { tenantId: TENANT } },
      error: String(flow['error']),
      attempts: 6,
    });
    const live = await get('/dead-letters');
    const item = (live.body as { items: Record<string, unknown>[] }).items.find((l) => l['id'] === flow['id']);
    expect(item).toMatchObject({ kind: 'flow.closed-won', runId: flow['runId'], step: 'create-sales-order' });
    expect(shapeDiff(flow, item)).toEqual([]);
  });
});

describe('saved sync-run answers match the broker', () => {
  const SYNC_TENANT = 'console-sync-t';
  let syncKey: string;
  type SavedRun = Pick<SyncRun, 'id' | 'kind' | 'dryRun' | 'status' | 'counts' | 'error' | 'correlationId' | 'startedBy'> & { progress: { phase: SyncRun['cursor']['phase']; done: number; total: number } };
  const savedRuns = syncRuns.items as unknown as SavedRun[];

  beforeAll(async () => {
    syncKey = await provision(SYNC_TENANT);
    // Each saved run recorded as the sync consumer records it: created, then advanced once to its
    // state (the broker computes percent, rate and ETA from done, total and the timestamps).
    for (const run of savedRuns) {
      await createSyncRun(env.DB, SYNC_TENANT, { id: run.id, kind: run.kind, dryRun: run.dryRun, correlationId: run.correlationId, startedBy: run.startedBy });
      await advanceSyncRun(env.DB, SYNC_TENANT, run.id, 0, {
        cursor: { phase: run.progress.phase, index: 0, after: null },
        done: run.progress.done,
        total: run.progress.total,
        counts: run.counts,
        status: run.status,
        error: run.error,
      }).run();
    }
    await env.DB.batch(insertDrift(env.DB, SYNC_TENANT, syncRunReconcile.id, 0, syncRunReconcile.drift as DriftRow[]));
  });

  const getSync = async (path: string) => {
    const res = await api(`/v1/tenants/${SYNC_TENANT}${path}`, { key: syncKey });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('GET /sync/runs: every saved run has the shape of the live run in the same state', async () => {
    const live = await getSync('/sync/runs?limit=10');
    expect(live.status).toBe(200);
    const items = live.body['items'] as (Record<string, unknown> & { id: string })[];
    for (const saved of syncRuns.items) {
      const mine = items.find((r) => r.id === saved.id);
      expect(mine?.['status'], saved.id).toBe(saved.status);
      expect(mine?.['progress'], saved.id).toMatchObject({ phase: saved.progress.phase, done: saved.progress.done, total: saved.progress.total });
      // Rate and ETA are null until a run has made progress; the saved ones have.
      expect(shapeDiff(saved, mine), saved.id).toEqual([]);
    }
  });

  it('GET /sync/runs/:id: a reconcile with its drift report, row for row', async () => {
    const live = await getSync(`/sync/runs/${syncRunReconcile.id}`);
    expect(live.status).toBe(200);
    expect(shapeDiff(syncRunReconcile, live.body)).toEqual([]);
    expect(live.body['drift']).toEqual(syncRunReconcile.drift);
  });

  it('POST /sync/runs answers the queued run (202); a second run of a kind in progress is a 409 naming it', async () => {
    const started = await api(`/v1/tenants/${SYNC_TENANT}/sync/runs`, { method: 'POST', key: syncKey, body: JSON.stringify({ kind: 'reconcile', dryRun: true }) });
    expect(started.status).toBe(202);
    const run = (await started.json()) as Record<string, unknown>;
    expect(run).toMatchObject({ kind: 'reconcile', dryRun: true, status: 'queued' });
    expect(shapeDiff(syncRunStarted, run)).toEqual([]);
    // The saved list's backfill is still running.
    const refused = await api(`/v1/tenants/${SYNC_TENANT}/sync/runs`, { method: 'POST', key: syncKey, body: JSON.stringify({ kind: 'backfill' }) });
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as Record<string, unknown>;
    expect(shapeDiff(syncRunActive, problem)).toEqual([]);
    expect(problem['detail']).toBe(syncRunActive.detail);
    // The started run goes through the queue (this tenant has nothing connected): let it finish
    // inside the test, not while the test environment is torn down.
    await expect.poll(async () => (await getSync(`/sync/runs/${String(run['id'])}`)).body['status'], { timeout: 20_000 }).toBe('completed');
  });
});

describe('saved change-intake and automation answers match the broker', () => {
  const INTAKE_TENANT = 'console-intake-t';
  let intakeKey: string;
  type SavedStream = (typeof intake.sources)[number]['streams'][number];
  /** What the saved answer's last change lagged by; the live one is recorded now, as late as that. */
  const lagOf = (source: string) => intake.sources.find((s) => s.source === source)!.lastEvent.lagMs;

  beforeAll(async () => {
    intakeKey = await provision(INTAKE_TENANT);
    // Each saved stream recorded as the poll records a run of it (worker/flows/account-changes/poll.ts).
    await env.DB.batch(
      intake.sources.flatMap((s) =>
        (s.streams as SavedStream[]).map((m) =>
          saveCheckpointStatement(env.DB, { tenantId: INTAKE_TENANT, source: s.source, stream: m.stream, checkpointMs: Date.parse(m.checkpoint), found: m.lastFound, error: m.lastError }),
        ),
      ),
    );
    // Each saved last change recorded as the change pipeline records one (worker/flows/account-changes/intake.ts),
    // stamped by the vendor the saved lag before now; the NetSuite one marks its account for its effects.
    for (const s of intake.sources) {
      const e = s.lastEvent;
      const versionMs = Date.now() - e.lagMs;
      const versionKey = `test:${s.source}:${e.objectType}:${e.objectId}:${versionMs}`;
      const outcome = await applyRecordChange(env.DB, {
        tenantId: INTAKE_TENANT,
        system: s.source as 'netsuite' | 'vitally',
        externalAccount: s.source === 'netsuite' ? '1234567_SB1' : 'acme-cs',
        objectType: e.objectType,
        objectId: e.objectId,
        versionMs,
        versionKey,
        messageKey: versionKey,
        change: 'changed',
        summary: null,
        sourceEventId: `test:${e.objectId}`,
        correlationId: crypto.randomUUID(),
        actor: 'concord',
        accountId: s.source === 'netsuite' ? 'acc_3b8f0c1d2e4a45b6978c0d1e2f3a4b5c' : null,
        mark: { erp: s.source === 'netsuite', cs: false },
        history: [],
      });
      expect(outcome).toEqual({ status: 'applied', claimed: true });
    }
  });

  const getOps = async (path: string) => {
    const res = await api(`/v1/tenants/${INTAKE_TENANT}/ops${path}`, { key: intakeKey });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("GET /ops/intake: each source's last change and poll streams have the saved answer's shape", async () => {
    const live = await getOps('/intake');
    expect(live.status).toBe(200);
    expect(shapeDiff(intake, live.body)).toEqual([]);
    type LiveSource = { source: string; lastEvent: Record<string, unknown> & { lagMs: number; status: string }; streams: (Record<string, unknown> & { stream: string })[] };
    const sources = live.body['sources'] as LiveSource[];
    expect(sources.map((s) => s.source)).toEqual(intake.sources.map((s) => s.source));
    expect(live.body['accountsWaiting']).toBe(1);
    for (const saved of intake.sources) {
      const mine = sources.find((s) => s.source === saved.source)!;
      expect(shapeDiff(saved.lastEvent, mine.lastEvent), saved.source).toEqual([]);
      expect(mine.lastEvent).toMatchObject({ objectType: saved.lastEvent.objectType, objectId: saved.lastEvent.objectId, status: 'applied' });
      // The lag is Concord's record minus the vendor's stamp: at least what the vendor was behind.
      expect(mine.lastEvent.lagMs, saved.source).toBeGreaterThanOrEqual(lagOf(saved.source));
      expect(mine.lastEvent.lagMs, saved.source).toBeLessThan(lagOf(saved.source) + 60_000);
      expect(mine.streams.map((m) => m.stream).sort()).toEqual(saved.streams.map((m) => m.stream).sort());
      // Stream by stream, so a failed run's error (a string) is compared with a live one too.
      for (const stream of saved.streams as SavedStream[]) {
        const row = mine.streams.find((m) => m.stream === stream.stream)!;
        expect(shapeDiff(stream, row), `${saved.source}.${stream.stream}`).toEqual([]);
        expect(row).toMatchObject({ checkpoint: stream.checkpoint, lastFound: stream.lastFound, lastError: stream.lastError });
      }
    }
  });

  it('GET /ops/automations: the saved answer is what a tenant with the default settings gets', async () => {
    const live = await getOps('/automations');
    expect(live.status).toBe(200);
    expect(shapeDiff({ ...automations, automations: [] }, { ...live.body, automations: [] })).toEqual([]);
    // Each automation has thresholds of its own: compare each with its saved self, by key.
    const items = live.body['automations'] as { key: string }[];
    expect(items.map((a) => a.key)).toEqual(automations.automations.map((a) => a.key));
    for (const saved of automations.automations) expect(shapeDiff(saved, items.find((a) => a.key === saved.key)), saved.key).toEqual([]);
    expect(live.body).toEqual(automations);
  });

  it('PUT /ops/automations: saved, answered with the sentences of the new values, audited; a wrong value refused field by field', async () => {
    const put = (body: unknown) => api(`/v1/tenants/${INTAKE_TENANT}/ops/automations`, { method: 'PUT', key: intakeKey, body: JSON.stringify(body) });
    const policy = { ...automations.policy, healthDrop: { ...automations.policy.healthDrop, dropPoints: 25 }, renewalRisk: { ...automations.policy.renewalRisk, enabled: false } };
    const saved = await put(policy);
    expect(saved.status).toBe(200);
    const body = (await saved.json()) as typeof automations;
    expect(shapeDiff({ ...automations, automations: [] }, { ...body, automations: [] })).toEqual([]);
    for (const item of automations.automations) expect(shapeDiff(item, body.automations.find((a) => a.key === item.key)), item.key).toEqual([]);
    expect(body.policy).toEqual(policy);
    expect(body.automations.find((a) => a.key === 'health-drop')).toMatchObject({ enabled: true, dropPoints: 25, when: 'The health score falls by 25 points or more between two readings, or to below 40' });
    expect(body.automations.find((a) => a.key === 'renewal-risk')).toMatchObject({ enabled: false });
    expect((await getOps('/automations')).body).toEqual(body);
    // The save's own audit line (the re-judging it starts writes its own when it completes, at a time of its own).
    const audit = await env.DB.prepare("SELECT before_json AS b, after_json AS a FROM audit_log WHERE tenant_id = ? AND entity_type = 'flow_settings' AND entity_id = 'automations' AND action = 'flow.settings.update'").bind(INTAKE_TENANT).all<{ b: string; a: string }>();
    expect(audit.results).toHaveLength(1);
    expect(JSON.parse(audit.results[0]!.b)).toEqual(automations.policy);
    expect(JSON.parse(audit.results[0]!.a)).toEqual(policy);

    // What the console sends for a drop of 120 points.
    const refused = await put({ ...policy, healthDrop: { ...policy.healthDrop, dropPoints: 120 } });
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { errors: { path: string; message: string; code: string }[] };
    expect(shapeDiff(problems['automationsInvalid'], problem)).toEqual([]);
    const expected = problems['automationsInvalid'] as { errors: { path: string; message: string; code: string }[] };
    expect(problem.errors.map((e) => [e.path, e.message, e.code])).toEqual(expected.errors.map((e) => [e.path, e.message, e.code]));
    // Refused: nothing changed.
    expect(((await getOps('/automations')).body as typeof automations).policy).toEqual(policy);
    // Back to the defaults, so the saved GET answer above stays what a default tenant gets.
    expect((await put({})).status).toBe(200);
  });

  it('PUT /ops/automations needs the tenant admin: no key, another tenant’s key or an embed token are refused, nothing is stored', async () => {
    const other = await provision('console-other');
    const body = JSON.stringify({ financeHold: { minAmount: 1 } });
    const url = `/v1/tenants/${INTAKE_TENANT}/ops/automations`;
    expect((await api(url, { method: 'PUT', body })).status).toBe(401);
    expect((await api(url, { method: 'PUT', key: other, body })).status).toBe(403);
    // A CSM's embed token (the panel's read-only grant on one account) is no admin key.
    const accountId = `acc_${'a'.repeat(32)}`;
    await insertAccount(env.DB, INTAKE_TENANT, accountId, 'Embed Co').run();
    const minted = await api(`/v1/tenants/${INTAKE_TENANT}/embed-tokens`, { method: 'POST', key: intakeKey, body: JSON.stringify({ accountId }) });
    expect(minted.status).toBe(201);
    const { token: embed } = (await minted.json()) as { token: string };
    expect((await api(url, { method: 'PUT', key: embed, body })).status).toBe(401);
    expect(((await getOps('/automations')).body as typeof automations).policy.financeHold.minAmount).toBe(1000);
  });
});
