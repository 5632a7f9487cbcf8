/**
 * The side effects of ClosedWonToOrder, one function per `step.do` (this file: the ports of a run,
 * the run's bookkeeping, loading and validating the deal, and what the deal shows while the order
 * is blocked or failed; order-steps.ts: the ERP customer, the sales order and its write-back;
 * cs-steps.ts: the CS account). Each is idempotent: reads, upserts by Concord's keys (ERP `eid:`,
 * Vitally `externalId`, the onboarding project's key) and D1 upserts, so a step that re-runs after
 * a crash, a timeout with an unknown outcome or a replay changes nothing twice. Every vendor call
 * goes through the role-named ports and the write guard, under the run's correlation id.
 */
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import { createLogger } from '../../ops/log.js';
import { validateOrder, type OrderIssue, type OrderValidation } from '../../policies/orders/index.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { portsFor, type Ports } from '../../ports/registry.js';
import { serviceContext } from '../../services/context.js';
import { loadReference, refreshReference } from '../../services/reference.js';
import { auditStatement } from '../../storage/audit.js';
import { setRunState, stepStatement, type RunStatus } from '../../storage/flow-runs.js';
import type { ClosedWonParams } from './params.js';
import { closedWonSettings, FLOW } from './settings.js';

export const ACTOR = 'flow:closed-won';

/**
 * How long a step waits for a vendor permit (the tenant's limiter) before it fails with
 * `rate_limited` and the engine retries it: a burst of won deals queues for NetSuite's
 * concurrency slots, and waiting in that queue is cheaper than a retry that joins it again.
 */
export const PERMIT_WAIT_MS = 5 * 60_000;

/** The ports of a run: the CRM's values are written into the ERP and CS as new records. */
export function runPorts(env: Env, p: ClosedWonParams): Ports {
  const ctx = serviceContext(
    env,
    { tenantId: p.tenantId, correlationId: p.correlationId, log: createLogger('info', { correlationId: p.correlationId, tenant: p.tenantId, flow: FLOW }) },
    { maxWaitMs: PERMIT_WAIT_MS },
  );
  return portsFor(env, ctx, { flow: FLOW, actor: ACTOR, source: p.source, mode: 'create' });
}

export const audit = (env: Env, p: ClosedWonParams, action: string, entityId: string, after: unknown) =>
  auditStatement(env.DB, { tenantId: p.tenantId, actor: ACTOR, action, entityType: 'flow_run', entityId, after, correlationId: p.correlationId });

/** One step's outcome and the run's new state. */
export interface StepRecord {
  step: string;
  startedAt: string;
  status: 'done' | 'failed' | 'blocked';
  detail?: unknown;
  run: { status: RunStatus; step: string | null; exceptions?: unknown; result?: unknown };
}

/** Record a step's outcome and the run's new state, audited (one D1 batch). */
export async function record(env: Env, p: ClosedWonParams, runId: string, s: StepRecord, extra: D1PreparedStatement[] = []): Promise<void> {
  await env.DB.batch([
    stepStatement(env.DB, p.tenantId, runId, { step: s.step, status: s.status, startedAt: s.startedAt, finishedAt: new Date().toISOString(), detail: s.detail ?? null }),
    setRunState(env.DB, p.tenantId, runId, s.run),
    audit(env, p, `flow.closed_won.${s.step.replace(/#\d+$/, '').replace(/-/g, '_')}.${s.status}`, runId, s.detail ?? null),
    ...extra,
  ]);
}

/**
 * Step `load`: the deal, its company, owner and product lines from the CRM, and the deal shows
 * "creating". `preloaded` is the source the intake read in its batch (first attempt only): the
 * run then costs the CRM no read of its own. A re-check after a fix always reads afresh.
 */
export async function load(env: Env, p: ClosedWonParams, preloaded: CrmOrderSource | null): Promise<CrmOrderSource> {
  const crm = await runPorts(env, p).crm(p.source);
  const source = preloaded ?? (await crm.orderSource!(p.dealId));
  if (!preloaded) await crm.writeDealFacts!(p.dealId, { orderStatus: 'creating', orderIssue: null });
  return source;
}

/** Step `validate`: pre-create checks against the ERP's cached reference data (refreshed on a re-check). */
export async function validate(env: Env, p: ClosedWonParams, source: CrmOrderSource, recheck: boolean): Promise<OrderValidation> {
  const ctx = serviceContext(env, { tenantId: p.tenantId, correlationId: p.correlationId, log: createLogger('info', { correlationId: p.correlationId }) }, { maxWaitMs: PERMIT_WAIT_MS });
  // A re-check follows a fix, which may have been made in the ERP (a new item, a currency, terms).
  let ref = recheck ? await refreshReference(env, ctx) : await loadReference(env, ctx);
  if (!ref.terms) ref = await refreshReference(env, ctx);
  const settings = await closedWonSettings(env.DB, p.tenantId);
  return validateOrder(source, { ...ref, terms: ref.terms ?? [] }, settings);
}

/**
 * The deal shows why its order is blocked or failed (what the matrix allows). Once the sales order
 * exists its status stays `created`: only the issue (a later stage that failed) is shown.
 */
export async function markDeal(env: Env, p: ClosedWonParams, status: 'blocked' | 'failed', issue: string, orderCreated = false): Promise<void> {
  const crm = await runPorts(env, p).crm(p.source);
  await crm.writeDealFacts!(p.dealId, { ...(orderCreated ? {} : { orderStatus: status }), orderIssue: issue.slice(0, 1000) });
}

/**
 * A blocked order waited `escalateAfterHours` without a fix: a task for the deal owner on the
 * deal and its company (once per wait: the key names the wait), and an audit entry.
 */
export async function escalate(env: Env, p: ClosedWonParams, runId: string, source: CrmOrderSource, issues: readonly Pick<OrderIssue, 'message' | 'action'>[], wait: string): Promise<void> {
  const crm = await runPorts(env, p).crm(p.source);
  const task = await crm.createTask!(
    { companyId: source.company?.externalId ?? null, dealId: p.dealId },
    {
      subject: `Order blocked: ${source.deal.name}`.slice(0, 500),
      body: `Concord cannot create the ERP order for this deal until this is fixed: ${issueSummary(issues)}`,
      dueDate: new Date().toISOString().slice(0, 10),
      idempotencyKey: `closed-won-escalation-${runId}-${wait}`,
    },
  );
  await audit(env, p, 'flow.closed_won.escalated', runId, { taskId: task.id, wait, owner: source.owner?.email ?? null }).run();
}

/** One line for the CRM record: the first issue and how many more. */
export function issueSummary(issues: readonly Pick<OrderIssue, 'message' | 'action'>[]): string {
  const [first] = issues;
  if (!first) return '';
  return `${first.message} ${first.action}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`;
}

/**
 * A refusal by the ERP or CS system (a 400/422 about the data): a business exception, not a
 * retry. `path`: the field as the vendor names it; `field`: as the port's input names it.
 */
export function vendorRefusal(err: unknown): { system: string; detail: string; path: string | null; field: string | null } | null {
  if (err instanceof ConcordError && err.error.kind === 'upstream_validation') {
    const e = err.error;
    return { system: e.system, detail: e.detail, path: e.path ?? null, field: e.field ?? null };
  }
  return null;
}

export function dateOnly(value: string | null): string | null {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}
