/**
 * Closed-won's CRM write-back, batched across runs. A run's `write-back-order` and
 * `write-back-cs` stages do not call the CRM themselves: each adds what it knows to the run's row
 * (`result_json`: the order number, then the CS account) and puts a `flow.writeback` pointer on
 * the `FLOW_WRITES` queue (its own, so a burst of change events on `EVENTS` does not hold an
 * order's number back; consumed by the same consumer, queues/consumer.ts). The consumer groups the pointers of a queue batch per tenant and CRM, reads
 * those runs' rows (one D1 query per 95 runs) and writes their deals and companies in the CRM's
 * batch calls (HubSpot 100 records per call, Salesforce Collections 200), through the ownership
 * write guard.
 *
 * Why: HubSpot allows 110 calls per 10 s per portal. Written from each run, an order cost four
 * HubSpot calls (deal and company, twice), which capped a burst of won deals at about 2.5 orders/s
 * whatever NetSuite could take; batched, a burst of 100 runs costs a few calls in all.
 *
 * What is written is derived from the run's row at the time of the write, not carried in the
 * message, so pointers delivered twice, late or out of order all write the run's latest truth: an
 * order number once it exists, the CS account once provisioned, the order issue cleared only while
 * the run is neither blocked nor failed (a later stage's failure keeps the issue it wrote).
 * The `cs` pointer is the run's last write: once it has been written the run is `completed`.
 * A pointer that exhausts its retries is a dead letter like any change (replay re-sends it); the
 * `cs` one also marks the run failed at `write-back-cs`, so it does not wait unseen.
 * docs/decisions.md, decision 46.
 */
import type { Env } from '../../env.js';
import { createLogger } from '../../ops/log.js';
import type { AccountFacts, DealFacts } from '../../ports/facts.js';
import type { AccountFactsUpdate, DealFactsUpdate } from '../../ports/index.js';
import { portsFor } from '../../ports/registry.js';
import type { FlowWriteback } from '../../queues/messages.js';
import { invalidateAccountView } from '../../services/account-view.js';
import { serviceContext } from '../../services/context.js';
import { auditStatement } from '../../storage/audit.js';
import { sha256Hex } from '../../storage/crypto.js';
import { mergeRunResult, runsByIds, setRunState, stepStatement, type RunRow } from '../../storage/flow-runs.js';
import type { ClosedWonParams } from './params.js';
import { FLOW } from './settings.js';

const ACTOR = 'queue:closed-won-writeback';

/** The step name under which a write-back's CRM write is recorded on its run. */
export const writebackStep = (stage: FlowWriteback['stage']) => `write-back-${stage}:crm`;

/**
 * A stage's write-back: what the run knows now is added to its row, then the pointer is queued.
 * Both are idempotent (a merge, and a pointer whose write derives from the row), so the stage may
 * run again after a restart.
 */
export async function queueWriteback(
  env: Env,
  p: ClosedWonParams,
  runId: string,
  w: { stage: FlowWriteback['stage']; companyId: string; accountId: string; result: Record<string, unknown> },
): Promise<void> {
  // The company is kept with the result too: the stalled-run sweep can then send the pointer again.
  await mergeRunResult(env.DB, p.tenantId, runId, { ...w.result, companyId: w.companyId }).run();
  await sendWriteback(env, { tenantId: p.tenantId, system: p.source, runId, dealId: p.dealId, companyId: w.companyId, accountId: w.accountId, stage: w.stage, correlationId: p.correlationId });
}

async function sendWriteback(env: Env, w: Omit<FlowWriteback, 'v' | 'kind' | 'at' | 'idempotencyKey'>): Promise<void> {
  const at = new Date().toISOString();
  const message: FlowWriteback = { v: 1, kind: 'flow.writeback', ...w, at, idempotencyKey: await sha256Hex(JSON.stringify(['flow.writeback', w.tenantId, w.runId, w.stage, at])) };
  await env.FLOW_WRITES.send(message, { contentType: 'json' });
}

/**
 * Send a finished run's last write-back again (the stalled-run sweep: the engine finished the run,
 * D1 still shows it running, so its `cs` pointer was lost, e.g. with a local queue's memory in a
 * restart). False when the row does not name its deal's company and account (nothing to write).
 */
export async function resendLastWriteback(env: Env, run: { tenantId: string; id: string; sourceSystem: string; sourceRecord: string; correlationId: string; result: unknown }): Promise<boolean> {
  const r = run.result !== null && typeof run.result === 'object' ? (run.result as Record<string, unknown>) : {};
  const companyId = str(r['companyId']);
  const accountId = str(r['accountId']);
  if (!companyId || !accountId || (run.sourceSystem !== 'hubspot' && run.sourceSystem !== 'salesforce')) return false;
  await sendWriteback(env, { tenantId: run.tenantId, system: run.sourceSystem, runId: run.id, dealId: run.sourceRecord, companyId, accountId, stage: 'cs', correlationId: run.correlationId });
  return true;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What the deal shows of a run, from its row (null: nothing to write yet). */
export function dealFactsOf(run: Pick<RunRow, 'status' | 'result'>): DealFacts | null {
  const r = run.result !== null && typeof run.result === 'object' ? (run.result as Record<string, unknown>) : {};
  const facts: DealFacts = {};
  const orderNumber = str(r['orderNumber']);
  if (orderNumber) {
    facts.orderStatus = 'created';
    facts.orderNumber = orderNumber;
    facts.erpCustomerId = str(r['customerId']);
    facts.orderCreatedAt = str(r['orderCreatedAt']);
    // A run blocked or failed after its order keeps the issue its stage wrote on the deal.
    if (run.status !== 'blocked' && run.status !== 'failed') facts.orderIssue = null;
  }
  const cs = str(r['csAccountId']);
  if (cs) facts.csAccountId = cs;
  return Object.keys(facts).length > 0 ? facts : null;
}

/** What the company shows of a run: its Concord account, ERP customer and CS account. */
export function companyFactsOf(run: Pick<RunRow, 'result'>, accountId: string): AccountFacts {
  const r = run.result !== null && typeof run.result === 'object' ? (run.result as Record<string, unknown>) : {};
  const facts: AccountFacts = { concordAccountId: accountId };
  const customer = str(r['customerId']);
  if (customer) facts.erpCustomerId = customer;
  const cs = str(r['csAccountId']);
  if (cs) facts.csAccountId = cs;
  return facts;
}

/**
 * Write the deals and companies of many runs of one tenant and CRM. Returns the pointers that
 * failed with their error (each is retried on its own); the rest are done.
 */
export async function consumeWritebacks(env: Env, items: readonly FlowWriteback[]): Promise<Map<FlowWriteback, unknown>> {
  const errors = new Map<FlowWriteback, unknown>();
  const groups = new Map<string, FlowWriteback[]>();
  for (const m of items) groups.set(`${m.tenantId}:${m.system}`, [...(groups.get(`${m.tenantId}:${m.system}`) ?? []), m]);
  for (const group of groups.values()) {
    try {
      for (const [m, err] of await writeGroup(env, group)) errors.set(m, err);
    } catch (err) {
      for (const m of group) errors.set(m, err);
    }
  }
  return errors;
}

async function writeGroup(env: Env, group: FlowWriteback[]): Promise<Map<FlowWriteback, unknown>> {
  const { tenantId, system, correlationId } = group[0]!;
  const runs = new Map<string, RunRow>();
  const ids = [...new Set(group.map((m) => m.runId))];
  for (let i = 0; i < ids.length; i += 95) for (const r of await runsByIds(env.DB, tenantId, ids.slice(i, i + 95))) runs.set(r.id, r);

  // One update per deal and per company, from the run's row as it is now.
  const deals = new Map<string, DealFactsUpdate>();
  const companies = new Map<string, AccountFactsUpdate>();
  for (const m of group) {
    const run = runs.get(m.runId);
    if (!run) continue;
    const facts = dealFactsOf(run);
    if (facts) deals.set(m.dealId, { recordId: m.dealId, accountId: m.accountId, facts });
    const company = companyFactsOf(run, m.accountId);
    const seen = companies.get(m.companyId);
    companies.set(m.companyId, { recordId: m.companyId, accountId: m.accountId, facts: { ...seen?.facts, ...company } });
  }

  const log = createLogger('info', { correlationId, tenant: tenantId, flow: FLOW });
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: 60_000 });
  const crm = await portsFor(env, ctx, { flow: FLOW, actor: ACTOR }).crm(system);
  const dealResult = deals.size > 0 ? await crm.writeDealFactsMany!([...deals.values()]) : null;
  const companyResult = companies.size > 0 ? await crm.writeAccountFacts!([...companies.values()]) : null;

  const failedDeals = new Map((dealResult?.failed ?? []).map((f) => [f.externalId, f.message]));
  const failedCompanies = new Map((companyResult?.failed ?? []).map((f) => [f.externalId, f.message]));
  const refused = [...(dealResult?.refused ?? []), ...(companyResult?.refused ?? [])];
  const errors = new Map<FlowWriteback, unknown>();
  const statements: D1PreparedStatement[] = [];
  const finishedAt = new Date().toISOString();
  for (const m of group) {
    const run = runs.get(m.runId);
    if (!run) {
      // A pointer to a run D1 does not know cannot heal: it is kept as a dead letter with this reason.
      errors.set(m, new Error(`flow run ${m.runId} not found`));
      continue;
    }
    const failure = failedDeals.get(m.dealId) ?? failedCompanies.get(m.companyId);
    if (failure) {
      errors.set(m, new Error(`${system} refused the write-back: ${failure}`.slice(0, 500)));
      continue;
    }
    // The batch's size and its CRM calls (what the batching saves shows on every run of it).
    const detail = { deal: dealFactsOf(run) !== null, batch: group.length, calls: (dealResult?.calls ?? 0) + (companyResult?.calls ?? 0), ...(refused.length > 0 ? { refused } : {}) };
    statements.push(
      stepStatement(env.DB, tenantId, m.runId, { step: writebackStep(m.stage), status: 'done', startedAt: m.at, finishedAt, detail }),
      auditStatement(env.DB, { tenantId, actor: ACTOR, action: `flow.closed_won.crm_written`, entityType: 'flow_run', entityId: m.runId, after: { stage: m.stage, system, dealId: m.dealId, companyId: m.companyId, ...(refused.length > 0 ? { refused } : {}) }, correlationId: m.correlationId }),
    );
    // The run's last write is done: it is complete (its result is on its row already).
    if (m.stage === 'cs' && run.status === 'running') statements.push(setRunState(env.DB, tenantId, m.runId, { status: 'completed', step: null, exceptions: null }));
  }
  for (let i = 0; i < statements.length; i += 90) await env.DB.batch(statements.slice(i, i + 90));
  await Promise.all([...new Set(group.filter((m) => !errors.has(m)).map((m) => m.accountId))].map((a) => invalidateAccountView(env, tenantId, a)));
  return errors;
}

/**
 * A `cs` write-back that exhausted its retries: the run shows failed at `write-back-cs` with the
 * reason (the dead letter's replay re-sends the pointer, whose write completes it).
 */
export function writebackDeadLettered(env: Env, m: FlowWriteback, reason: string): D1PreparedStatement[] {
  if (m.stage !== 'cs') return [stepStatement(env.DB, m.tenantId, m.runId, { step: writebackStep(m.stage), status: 'failed', startedAt: m.at, finishedAt: new Date().toISOString(), detail: { reason } })];
  return [
    stepStatement(env.DB, m.tenantId, m.runId, { step: writebackStep(m.stage), status: 'failed', startedAt: m.at, finishedAt: new Date().toISOString(), detail: { reason } }),
    setRunState(env.DB, m.tenantId, m.runId, { status: 'failed', step: 'write-back-cs', exceptions: [{ code: 'step_failed', step: 'write-back-cs', reason }] }),
  ];
}
