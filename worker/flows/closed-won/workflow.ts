/**
 * ClosedWonToOrder: a closed-won deal becomes exactly one ERP customer (found or created), one
 * sales order and a provisioned CS account, with the result written back to the CRM record.
 *
 * Stages, one `step.do` each (steps.ts, order-steps.ts, cs-steps.ts), each idempotent and recorded
 * in `flow_steps` inside its own step: load, validate, resolve-customer, create-sales-order,
 * write-back-order (the deal shows the order number as soon as it exists), provision-cs,
 * write-back-cs. The two write-backs queue their CRM write, batched with other runs'
 * (writeback.ts); the run is `completed` once the CRM has the last one. Technical failures (5xx, 429, timeouts) are retried with backoff by the engine;
 * two kinds of failure end a stage differently:
 * - business exceptions (validation, an ambiguous customer, a refusal by the ERP or CS system:
 *   a 4xx about the data, with the field the vendor names) are not retried: the run is `blocked`
 *   with the reasons and the CRM record owner, the deal shows them, and the instance
 *   waits for a `resume` event (the record changed, or a person pressed retry); after
 *   `escalateAfterHours` without one it tasks the deal owner and waits again; then it starts over
 *   from `load` (a re-check reads the deal and the ERP's reference data afresh);
 * - a stage that exhausts its retries makes the run `failed`, a dead letter with its stage and
 *   reason; the instance waits for `resume` (replay) and runs that stage again, not the ones
 *   before it (their results are the engine's cached step outputs).
 * Code outside `step.do` only decides; it writes nothing (the engine may replay it). That replay
 * is also how a run interrupted by a restart of the broker continues (recovery.ts wakes the ones
 * the local engine does not resume by itself): the interrupted stage runs again, by its keys.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from 'cloudflare:workers';
import { NonRetryableError } from 'cloudflare:workflows';
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import type { ValidatedOrder } from '../../policies/orders/index.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { putDeadLetter } from '../../storage/events.js';
import { sha256Hex } from '../../storage/crypto.js';
import { provisionCs, writeBackCs } from './cs-steps.js';
import { customer as resolveCustomerStep, salesOrder as createSalesOrder, writeBackOrder } from './order-steps.js';
import { ClosedWonParamsSchema, RESUME_EVENT, runIdFor, type ClosedWonParams, type Resume } from './params.js';
import { closedWonSettings } from './settings.js';
import * as steps from './steps.js';

/**
 * Technical failures: retried with backoff (2, 4, 8, 16, 32 s), each attempt bounded. The bound
 * leaves room for a permit wait in a burst (steps.PERMIT_WAIT_MS) plus the vendor calls.
 */
export const RETRY: WorkflowStepConfig = { retries: { limit: 5, delay: '2 seconds', backoff: 'exponential' }, timeout: '10 minutes' };
/** Bookkeeping steps (D1 only). */
const BOOKKEEPING: WorkflowStepConfig = { retries: { limit: 10, delay: '1 second', backoff: 'exponential' }, timeout: '30 seconds' };

export interface ClosedWonResult {
  customerId: string;
  accountId: string;
  orderId: string;
  orderNumber: string;
  /** When Concord confirmed the order in the ERP (ISO instant). */
  orderCreatedAt: string;
  csAccountId: string;
  customer: 'linked' | 'matched' | 'created';
}

interface Issue {
  field: string;
  code: string;
  message: string;
  fixIn: string;
  action: string;
  /** The CRM record owner: who is asked to fix it (and tasked when the wait escalates). */
  owner?: { name: string | null; email: string | null } | null;
}

/**
 * What a run is started with: the params, and optionally the deal as the intake already read it
 * (a batched CRM read for many deals), so the first `load` needs no CRM call of its own.
 */
export type ClosedWonStart = ClosedWonParams & { preloaded?: CrmOrderSource };

/** Errors retrying cannot heal (bad input, a policy refusal): the step fails at once. */
function terminal(err: unknown): unknown {
  if (err instanceof ConcordError && ['validation', 'business', 'not_found', 'internal', 'not_connected'].includes(err.error.kind)) {
    const e = err.error;
    const detail = 'message' in e && e.message ? e.message : 'issues' in e ? JSON.stringify(e.issues).slice(0, 500) : e.kind;
    return new NonRetryableError(`${e.kind}: ${detail}`);
  }
  return err;
}

export class ClosedWonToOrder extends WorkflowEntrypoint<Env, ClosedWonStart> {
  override async run(event: Readonly<WorkflowEvent<ClosedWonStart>>, step: WorkflowStep): Promise<ClosedWonResult> {
    const { preloaded, ...params } = event.payload;
    const p = ClosedWonParamsSchema.parse(params);
    const runId = runIdFor(p);
    const env = this.env;
    /** Step names carry an attempt number: a stage re-run after a fix or a replay is a new step. */
    let attempt = 0;
    let orderCreated = false;
    const name = (stage: string) => `${stage}#${attempt}`;

    /**
     * Run one stage: `fn` under retries, its outcome recorded in the same step; when it exhausts
     * them the run is failed (dead letter) and waits for a replay, then the stage runs again under
     * a new step name.
     */
    const stage = async <T>(label: string, fn: () => Promise<T>, recorded: (r: T) => steps.StepRecord['run'] | null = () => ({ status: 'running', step: label })): Promise<T> => {
      for (;;) {
        const startedAt = new Date().toISOString();
        try {
          return (await step.do(name(label), RETRY, async () => {
            let result: T;
            try {
              result = await fn();
            } catch (err) {
              throw terminal(err);
            }
            const run = recorded(result);
            if (run) await steps.record(env, p, runId, { step: name(label), startedAt, status: 'done', run });
            return result as Rpc.Serializable<T>;
          })) as T;
        } catch (err) {
          const reason = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 1000) : String(err).slice(0, 1000);
          const created = orderCreated;
          await step.do(`${name(label)}:failed`, BOOKKEEPING, async () => {
            await steps.record(env, p, runId, { step: name(label), startedAt, status: 'failed', detail: { reason }, run: { status: 'failed', step: label, exceptions: [{ code: 'step_failed', step: label, reason }] } });
            await putDeadLetter(env.DB, {
              tenantId: p.tenantId,
              id: `dl_${(await sha256Hex(`flow:${runId}`)).slice(0, 24)}`,
              kind: 'flow.closed-won',
              summary: `closed-won ${p.source} deal ${p.dealId}: ${label} failed`,
              payload: { runId, step: label, params: p },
              error: reason,
              attempts: (RETRY.retries?.limit ?? 0) + 1,
            });
            await steps.markDeal(env, p, 'failed', `Concord could not finish the order (${label}); it continues when the dead letter is replayed.`, created).catch(() => undefined);
          });
          await this.waitForResume(step, `${name(label)}:replay`, null);
          attempt++;
        }
      }
    };

    /** A business exception: record it, show it on the deal, wait (escalating) for a fix. */
    const block = async (label: string, found: Issue[], source: CrmOrderSource) => {
      const startedAt = new Date().toISOString();
      const owner = source.owner ? { name: source.owner.name, email: source.owner.email } : null;
      const issues = found.map((i) => ({ ...i, owner }));
      const created = orderCreated;
      await step.do(`${name(label)}:blocked`, BOOKKEEPING, async () => {
        await steps.record(env, p, runId, { step: name(label), startedAt, status: 'blocked', detail: { issues }, run: { status: 'blocked', step: label, exceptions: issues } });
        await steps.markDeal(env, p, 'blocked', steps.issueSummary(issues), created).catch(() => undefined);
      });
      const settings = await step.do(`${name(label)}:settings`, BOOKKEEPING, async () => ({ hours: (await closedWonSettings(env.DB, p.tenantId)).escalateAfterHours }));
      await this.waitForResume(step, `${name(label)}:await-fix`, settings.hours, (round) => steps.escalate(env, p, runId, source, issues, `${name(label)}:${round}`));
      attempt++;
    };

    for (;;) {
      const source = await stage('load', () => steps.load(env, p, attempt === 0 ? (preloaded ?? null) : null));
      const validation = await stage('validate', () => steps.validate(env, p, source, attempt > 0), (v) => (v.ok ? { status: 'running', step: 'validate' } : null));
      if (!validation.ok) {
        await block('validate', validation.issues, source);
        continue;
      }
      const order: ValidatedOrder = validation.order;
      const customer = await stage('resolve-customer', () => resolveCustomerStep(env, p, source, order), (c) => (c.ok ? { status: 'running', step: 'resolve-customer' } : null));
      if (!customer.ok) {
        await block('resolve-customer', [customer.issue], source);
        continue;
      }
      const { customerId, accountId, how } = customer;
      const made = await stage('create-sales-order', () => createSalesOrder(env, p, source, order, customerId), (o) => (o.ok ? { status: 'running', step: 'create-sales-order' } : null));
      if (!made.ok) {
        await block('create-sales-order', [made.issue], source);
        continue;
      }
      const salesOrder = made.order;
      orderCreated = true;
      await stage('write-back-order', () => writeBackOrder(env, p, source, accountId, customerId, salesOrder));
      // From here on the order exists: a later failure or block leaves the deal's order status alone.
      let cs = await stage('provision-cs', () => provisionCs(env, p, source, accountId, customerId, salesOrder), (c) => (c.ok ? { status: 'running', step: 'provision-cs' } : null));
      while (!cs.ok) {
        await block('provision-cs', [cs.issue], source);
        cs = await stage('provision-cs', () => provisionCs(env, p, source, accountId, customerId, salesOrder), (c) => (c.ok ? { status: 'running', step: 'provision-cs' } : null));
      }
      const csAccountId = cs.cs.csAccountId;
      const result: ClosedWonResult = { customerId, accountId, orderId: salesOrder.orderId, orderNumber: salesOrder.orderNumber, orderCreatedAt: salesOrder.createdAt, csAccountId, customer: how };
      // The run is `completed` when the CRM has this last write-back (writeback.ts), not before.
      await stage('write-back-cs', () => writeBackCs(env, p, source, accountId, { ...result }), () => ({ status: 'running', step: 'write-back-cs' }));
      return result;
    }
  }

  /**
   * Wait for a `resume` event. With `escalateAfterHours`, each wait that times out runs
   * `escalate(round)` (as its own step) and waits again; without it (a failed run) the wait is a
   * year, the longest a Workflow may wait.
   */
  private async waitForResume(step: WorkflowStep, label: string, escalateAfterHours: number | null, escalate?: (round: number) => Promise<void>): Promise<Resume> {
    for (let round = 0; ; round++) {
      try {
        const event = await step.waitForEvent<Resume>(`${label}:${round}`, { type: RESUME_EVENT, timeout: escalateAfterHours ? `${escalateAfterHours} hours` : '365 days' });
        return event.payload;
      } catch (err) {
        if (escalateAfterHours === null || !escalate) throw err;
        await step.do(`${label}:${round}:escalate`, BOOKKEEPING, () => escalate(round));
      }
    }
  }
}
