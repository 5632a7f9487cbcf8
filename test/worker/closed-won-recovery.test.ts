/**
 * The stalled-run sweep (worker/flows/closed-won/recovery.ts) inside workerd: which runs it looks
 * at (queued or running in D1, nothing recorded for the stall window), that a run it cannot wake
 * is set aside for a window instead of holding the sweep's first places, and that a wake sent to
 * an instance the engine is executing changes nothing for it. The restart it exists for is proven
 * on the real estate: test/e2e/closed-won-restart.test.ts.
 */
import { env, introspectWorkflowInstance } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { startClosedWon } from '../../worker/flows/closed-won/intake.js';
import { ESCALATION_GRACE_MS, STALL_AFTER_MS, wakeOverdueEscalations, wakeStalledRuns } from '../../worker/flows/closed-won/recovery.js';
import type { Env } from '../../worker/env.js';
import { createLogger } from '../../worker/ops/log.js';
import { insertRun, setRunState, type RunStatus } from '../../worker/storage/flow-runs.js';
import { brokerEnv } from './closed-won-helpers.js';
import { provision } from './helpers.js';

const TENANT = 'recovery';
const log = createLogger('error');
const workerEnv = env as unknown as Env;

beforeAll(async () => {
  await provision(TENANT);
});

async function seed(id: string, status: RunStatus, ageMs: number): Promise<void> {
  await env.DB.batch([
    insertRun(env.DB, TENANT, { id, flow: 'closed-won', sourceSystem: 'hubspot', sourceRecord: id.split('-').pop()!, correlationId: `test-${id}` }),
    setRunState(env.DB, TENANT, id, { status, step: 'load' }),
  ]);
  await age(id, ageMs);
}

async function age(id: string, ageMs: number): Promise<void> {
  await env.DB.prepare('UPDATE flow_runs SET updated_at = ? WHERE tenant_id = ? AND id = ?').bind(new Date(Date.now() - ageMs).toISOString(), TENANT, id).run();
}

async function audits(id: string): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT action FROM audit_log WHERE tenant_id = ? AND entity_id = ? ORDER BY at').bind(TENANT, id).all<{ action: string }>();
  return results.map((r) => r.action);
}

/** The run's instance, its first load and validation mocked so it blocks on a missing tax id. */
async function blockedOnValidation(runId: string, dealId: string) {
  const source = { deal: { externalId: dealId, name: 'Recovery test deal', won: true, amount: 1000, currency: 'EUR', closeDate: '2026-11-20', contractStart: null, contractEnd: null, paymentTerms: 'Net 30' }, company: null, owner: null, lines: [] };
  const issue = { field: 'company.taxId', code: 'tax_id_required', message: 'Customers in DE need a tax id (VAT/GST number) in the ERP.', fixIn: 'crm', action: 'Enter the company tax id (VAT number).' };
  const instance = await introspectWorkflowInstance(brokerEnv.CLOSED_WON, runId);
  await instance.modify(async (m) => {
    await m.mockStepResult({ name: 'load#0' }, source);
    await m.mockStepResult({ name: 'validate#0' }, { ok: false, issues: [issue] });
  });
  return instance;
}

async function statusOf(runId: string): Promise<string | undefined> {
  return (await env.DB.prepare('SELECT status FROM flow_runs WHERE tenant_id = ? AND id = ?').bind(TENANT, runId).first<{ status: string }>())?.status;
}

const mine = (reports: Awaited<ReturnType<typeof wakeStalledRuns>>) => reports.filter((r) => r.tenantId === TENANT);

describe('the stalled-run sweep', () => {
  it('looks only at queued and running runs stalled for its window; one it cannot wake waits a window before the next look', async () => {
    await seed('hubspot-1-deal-910001', 'running', STALL_AFTER_MS + 60_000);
    await seed('hubspot-1-deal-910002', 'queued', STALL_AFTER_MS + 60_000);
    await seed('hubspot-1-deal-910003', 'running', 10_000);
    await seed('hubspot-1-deal-910004', 'blocked', STALL_AFTER_MS + 60_000);
    await seed('hubspot-1-deal-910005', 'failed', STALL_AFTER_MS + 60_000);

    const first = mine(await wakeStalledRuns(workerEnv, log));
    // No Workflow instance exists for these rows (the engine does not know them): nothing to wake.
    expect(first.map((r) => r.runId).sort()).toEqual(['hubspot-1-deal-910001', 'hubspot-1-deal-910002']);
    expect(first.every((r) => !r.woken)).toBe(true);
    expect(await audits('hubspot-1-deal-910001')).toContain('flow.closed_won.not_woken');
    expect(mine(await wakeStalledRuns(workerEnv, log))).toEqual([]);
  });

  it('a queued run whose instance was never created (the intake died after its claim) is started with its claim\'s parameters', async () => {
    const dealId = '910020';
    const runId = `hubspot-1-deal-${dealId}`;
    await using instance = await blockedOnValidation(runId, dealId);
    // The claim as the intake writes it, and no instance: the engine does not know the run.
    await insertRun(env.DB, TENANT, { id: runId, flow: 'closed-won', sourceSystem: 'hubspot', sourceRecord: dealId, correlationId: 'test-never-created', trigger: 'webhook' }).run();
    await age(runId, STALL_AFTER_MS + 60_000);
    await expect(brokerEnv.CLOSED_WON.get(runId).then((i) => i.status())).rejects.toThrow();

    const report = mine(await wakeStalledRuns(workerEnv, log)).find((r) => r.runId === runId);
    expect(report).toMatchObject({ engine: 'created', woken: true });
    expect(await audits(runId)).toContain('flow.closed_won.started');
    // The created instance runs the flow for that deal: here it blocks on the mocked validation.
    await instance.waitForStepResult({ name: 'validate#0:settings' });
    await expect.poll(() => statusOf(runId), { timeout: 10_000, interval: 100 }).toBe('blocked');
    // Started once: the next sweep finds nothing to do for it.
    expect(mine(await wakeStalledRuns(workerEnv, log)).find((r) => r.runId === runId)).toBeUndefined();
  });

  it('a wake sent to an instance the engine is executing (here: waiting for a fix) changes nothing for it', async () => {
    const dealId = '910010';
    const runId = `hubspot-1-deal-${dealId}`;
    await using instance = await blockedOnValidation(runId, dealId);
    await startClosedWon(workerEnv, { tenantId: TENANT, source: 'hubspot', externalAccount: '1', dealId, correlationId: 'test-recovery', trigger: 'api' }, 'test');
    await instance.waitForStepResult({ name: 'validate#0:settings' });
    await expect.poll(() => statusOf(runId), { timeout: 10_000, interval: 100 }).toBe('blocked');
    const engine = await brokerEnv.CLOSED_WON.get(runId);
    const before = (await engine.status()).status;
    expect(['running', 'waiting']).toContain(before);
    // D1 says running and stalled (as after a lost write of its state): the sweep wakes it.
    await env.DB.prepare("UPDATE flow_runs SET status = 'running' WHERE tenant_id = ? AND id = ?").bind(TENANT, runId).run();
    await age(runId, STALL_AFTER_MS + 60_000);
    const [report] = mine(await wakeStalledRuns(workerEnv, log));
    expect(report).toMatchObject({ runId, engine: before, woken: true });
    expect(await audits(runId)).toContain('flow.closed_won.woken');

    // Still waiting for its fix: the wake is not the `resume` it waits for, and no stage ran again.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await engine.status()).status).toBe(before);
    const { results } = await env.DB.prepare('SELECT step FROM flow_steps WHERE tenant_id = ? AND run_id = ?').bind(TENANT, runId).all<{ step: string }>();
    expect(results.map((s) => s.step)).not.toContain('load#1');
  });

  it('a blocked run whose escalation is overdue with none recorded is woken once a round; one escalated on time is left alone', async () => {
    const dealId = '910030';
    const runId = `hubspot-1-deal-${dealId}`;
    await using instance = await blockedOnValidation(runId, dealId);
    await startClosedWon(workerEnv, { tenantId: TENANT, source: 'hubspot', externalAccount: '1', dealId, correlationId: 'test-escalation', trigger: 'api' }, 'test');
    await instance.waitForStepResult({ name: 'validate#0:settings' });
    await expect.poll(() => statusOf(runId), { timeout: 10_000, interval: 100 }).toBe('blocked');
    const day = 3_600_000 * 24;
    const escalations = (r: Awaited<ReturnType<typeof wakeOverdueEscalations>>) => r.filter((x) => x.runId === runId);

    // Blocked for most of the default 72 h, or just past it (within the grace): not overdue.
    await age(runId, 3 * day - 60_000);
    expect(escalations(await wakeOverdueEscalations(workerEnv, log))).toEqual([]);
    await age(runId, 3 * day + ESCALATION_GRACE_MS - 60_000);
    expect(escalations(await wakeOverdueEscalations(workerEnv, log))).toEqual([]);

    // Overdue and nothing escalated (the engine lost the timer): woken, once for this round.
    await age(runId, 3 * day + ESCALATION_GRACE_MS + 60_000);
    const [report] = escalations(await wakeOverdueEscalations(workerEnv, log));
    expect(report).toMatchObject({ runId, woken: true });
    expect(['running', 'waiting']).toContain(report!.engine);
    expect(await audits(runId)).toContain('flow.closed_won.escalation_woken');
    expect(escalations(await wakeOverdueEscalations(workerEnv, log))).toEqual([]);

    // Three days on, the second round is overdue too. The first escalation was recorded late
    // (after the wake); the second was not: woken again. Once the second is recorded, nothing.
    const later = Date.now() + 3 * day;
    const blockedAt = Date.parse((await env.DB.prepare('SELECT updated_at AS at FROM flow_runs WHERE tenant_id = ? AND id = ?').bind(TENANT, runId).first<{ at: string }>())!.at);
    const escalated = (afterHours: number) =>
      env.DB.prepare("INSERT INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, correlation_id) VALUES (?, ?, ?, 'workflow', 'flow.closed_won.escalated', 'flow_run', ?, 'test')")
        .bind(TENANT, crypto.randomUUID(), new Date(blockedAt + afterHours * 3_600_000).toISOString(), runId)
        .run();
    await escalated(72.5);
    expect(escalations(await wakeOverdueEscalations(workerEnv, log, later))).toMatchObject([{ runId, woken: true }]);
    await escalated(144.5);
    expect(escalations(await wakeOverdueEscalations(workerEnv, log, later + 60_000))).toEqual([]);
  });
});
