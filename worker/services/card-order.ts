/**
 * The order of a CRM deal for the embedded surfaces: the closed-won run of that deal in the
 * caller's tenant (D1 `flow_runs`, by source record), described by order-state.ts, and the
 * "Retry" those surfaces offer on a blocked or failed order. The tenant is always the verified
 * caller's; a run is found only through the deal it belongs to, so a card can neither read nor
 * wake another tenant's run or another deal's.
 */
import type { Env } from '../env.js';
import { fail } from '../errors.js';
import { resumeClosedWon } from '../flows/closed-won/intake.js';
import { FLOW } from '../flows/closed-won/settings.js';
import type { SystemRole } from '../model/primitives.js';
import { portsFor, type Ports } from '../ports/registry.js';
import { listRuns, type RunRow } from '../storage/flow-runs.js';
import type { ServiceContext } from './context.js';
import { orderState, type OrderState, type RunSystems } from './order-state.js';

export type OrderSource = 'hubspot' | 'salesforce';

const READER = { flow: 'card.order', actor: 'concord' } as const;

/** The tenant's system for a role, or null (not connected, or its connection cannot be read now). */
async function systemOf(ports: Ports, role: SystemRole): Promise<string | null> {
  try {
    return await ports.systemFor(role);
  } catch {
    return null;
  }
}

/**
 * The ERP's page of the order, only from a connection on the vendor's own host (no vendor call).
 * A link is a convenience: when it cannot be built, the order number still shows.
 */
async function orderUrl(ports: Ports, orderId: string): Promise<string | null> {
  try {
    return (await ports.erp({ interactive: true })).salesOrderUrl?.(orderId) ?? null;
  } catch {
    return null;
  }
}

/** Describe a run for a card (system names for the words, the ERP link when created). */
export async function describeRun(env: Env, ctx: ServiceContext, run: RunRow): Promise<OrderState> {
  const ports = portsFor(env, ctx, READER);
  const [erp, cs] = await Promise.all([systemOf(ports, 'erp'), systemOf(ports, 'cs')]);
  const systems: RunSystems = { crm: run.sourceSystem, erp, cs };
  const result = run.result as { orderId?: unknown } | null;
  const link = run.status === 'completed' && erp && typeof result?.orderId === 'string' ? await orderUrl(ports, result.orderId) : null;
  return orderState(run, systems, link);
}

/** The closed-won run of a deal / Opportunity in the caller's tenant, or null when it has none. */
export async function runOfRecord(env: Env, tenantId: string, source: OrderSource, recordId: string): Promise<RunRow | null> {
  const [run] = await listRuns(env.DB, tenantId, { flow: FLOW, sourceSystem: source, sourceRecord: recordId, limit: 1 });
  return run ?? null;
}

/** The order of a deal / Opportunity, or null when it was never closed won (as far as Concord knows). */
export async function orderOfRecord(env: Env, ctx: ServiceContext, source: OrderSource, recordId: string): Promise<OrderState | null> {
  const run = await runOfRecord(env, ctx.tenantId, source, recordId);
  return run ? describeRun(env, ctx, run) : null;
}

/**
 * "Retry" on a card: wake the deal's blocked run (re-validate after a fix) or failed run (re-run
 * the failed step). 404 `order_not_found` when the deal has no run; 409 `order_not_retryable`
 * when its order is being created or was created. Answers the order as it is now (creating).
 */
export async function retryOrderOfRecord(env: Env, ctx: ServiceContext & { actor: string }, source: OrderSource, recordId: string): Promise<OrderState> {
  const run = await runOfRecord(env, ctx.tenantId, source, recordId);
  if (!run) fail({ kind: 'not_found', entity: 'order', code: 'order_not_found' });
  if (run.status !== 'blocked' && run.status !== 'failed') {
    fail({ kind: 'conflict', code: 'order_not_retryable', message: run.status === 'completed' ? 'The order was created already.' : 'The order is being created; there is nothing to retry.' });
  }
  await resumeClosedWon(env, ctx.tenantId, run.id, { reason: 'retry', by: ctx.actor.slice(0, 200) }, ctx.correlationId);
  return describeRun(env, ctx, (await runOfRecord(env, ctx.tenantId, source, recordId)) ?? run);
}
