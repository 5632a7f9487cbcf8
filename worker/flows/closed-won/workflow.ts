/**
 * ClosedWonToOrder: a closed-won deal becomes exactly one ERP customer (found or created), one
 * sales order and a provisioned CS account, with the result written back to the CRM record.
 *
 * One `step.do` per side effect (steps.ts), each idempotent, each with retries and backoff for
 * technical failures (5xx, 429, timeouts). Two kinds of failure end a stage differently:
 * - business exceptions (validation, an ambiguous customer) are not retried: the run is
 *   `blocked` with the reasons, the deal shows them, and the instance waits for a `resume`
 *   event (the record changed, or a person pressed retry); after `escalateAfterHours` without
 *   one it tasks the deal owner and waits again;
 * - a step that exhausts its retries makes the run `failed`, a dead letter with its step and
 *   reason; the instance waits for `resume` (replay) and runs that step again, not the ones
 *   before it (their results are the engine's cached step outputs).
 * Code outside `step.do` only decides; it writes nothing (the engine may replay it).
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from 'cloudflare:workers';
import type { Env } from '../../env.js';
import type { OrderIssue, ValidatedOrder } from '../../policies/orders/index.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { putDeadLetter } from '../../storage/events.js';
import { sha256Hex } from '../../storage/crypto.js';
import { ClosedWonParamsSchema, RESUME_EVENT, runIdFor, type ClosedWonParams, type Resume } from './params.js';
import { closedWonSettings } from './settings.js';
import * as steps from './steps.js';

/** Technical failures: retried with backoff, each attempt bounded. */
const RETRY: WorkflowStepConfig = { retries: { limit: 5, delay: '2 seconds', backoff: 'exponential' }, timeout: '2 minutes' };
/** Bookkeeping steps (D1 only). */
const BOOKKEEPING: WorkflowStepConfig = { retries: { limit: 10, delay: '1 second', backoff: 'exponential' }, timeout: '30 seconds' };

export interface ClosedWonResult {
  customerId: string;
  accountId: string;
  orderId: string;
  orderNumber: string;
  csAccountId: string;
  customer: 'linked' | 'matched' | 'created';
}

type Issue = Pick<OrderIssue, 'field' | 'message' | 'action'> & { code: string; fixIn: string };

export class ClosedWonToOrder extends WorkflowEntrypoint<Env, ClosedWonParams> {
  override async run(event: Readonly<WorkflowEvent<ClosedWonParams>>, step: WorkflowStep): Promise<ClosedWonResult> {
    const p = ClosedWonParamsSchema.parse(event.payload);
    const runId = runIdFor(p);
    const env = this.env;
    /** Step names carry an attempt number: a stage re-run after a fix or a replay is a new step. */
    let attempt = 0;
    const name = (stage: string) => `${stage}#${attempt}`;

    /**
     * Run one stage: `fn` under retries; when it exhausts them the run is failed (dead letter)
     * and waits for a replay, then the same stage runs again under a new step name.
     */
    const stage = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      for (;;) {
        const startedAt = new Date().toISOString();
        try {
          const result = await step.do(name(label), RETRY, fn as () => Promise<Rpc.Serializable<T>>);
          await step.do(`${name(label)}:recorded`, BOOKKEEPING, () =>
            steps.record(env, p, runId, { step: name(label), startedAt, status: 'done', run: { status: 'running', step: label } }),
          );
          return result as T;
        } catch (err) {
          const reason = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 1000) : String(err).slice(0, 1000);
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
            await steps.markDeal(env, p, 'failed', `Concord could not finish the order (${label}): it will retry when replayed.`).catch(() => undefined);
          });
          await this.waitForResume(step, `${name(label)}:replay`, null);
          attempt++;
        }
      }
    };

    /** A business exception: record it, show it on the deal, wait (escalating) for a fix. */
    const block = async (label: string, issues: Issue[], source: CrmOrderSource) => {
      const startedAt = new Date().toISOString();
      await step.do(`${name(label)}:blocked`, BOOKKEEPING, async () => {
        await steps.record(env, p, runId, { step: name(label), startedAt, status: 'blocked', detail: { issues }, run: { status: 'blocked', step: label, exceptions: issues } });
        await steps.markDeal(env, p, 'blocked', steps.issueSummary(issues)).catch(() => undefined);
      });
      const settings = await step.do(`${name(label)}:settings`, BOOKKEEPING, async () => ({ hours: (await closedWonSettings(env.DB, p.tenantId)).escalateAfterHours }));
      await this.waitForResume(step, `${name(label)}:await-fix`, settings.hours, (round) => steps.escalate(env, p, runId, source, issues, `${name(label)}:${round}`));
      attempt++;
    };

    for (;;) {
      const source = await stage('load', () => steps.load(env, p));
      const validation = await stage('validate', () => steps.validate(env, p, source, attempt > 0));
      if (!validation.ok) {
        await block('validate', validation.issues, source);
        continue;
      }
      const order: ValidatedOrder = validation.order;
      const customer = await stage('resolve-customer', () => steps.customer(env, p, source, order));
      if (!customer.resolution.ok) {
        await block('resolve-customer', [customer.resolution.issue], source);
        continue;
      }
      const { customerId, accountId, how } = customer.resolution;
      const salesOrder = await stage('create-sales-order', () => steps.salesOrder(env, p, source, order, customerId));
      const cs = await stage('provision-cs', () => steps.provisionCs(env, p, source, accountId, customerId, salesOrder));
      const completedAt = await step.do(name('completed-at'), BOOKKEEPING, async () => new Date().toISOString());
      await stage('write-back', () => steps.writeBack(env, p, source, accountId, customerId, salesOrder, cs, completedAt));
      const result: ClosedWonResult = { customerId, accountId, orderId: salesOrder.orderId, orderNumber: salesOrder.orderNumber, csAccountId: cs.csAccountId, customer: how };
      await step.do(name('complete'), BOOKKEEPING, () =>
        steps.record(env, p, runId, { step: name('complete'), startedAt: completedAt, status: 'done', detail: result, run: { status: 'completed', step: null, exceptions: null, result } }),
      );
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
