/**
 * The side effects of ClosedWonToOrder, one function per `step.do`. Each is idempotent: reads,
 * upserts by Concord's keys (ERP `eid:`, Vitally `externalId`, the onboarding plan's key), and
 * D1 upserts, so a step that re-runs after a crash, a timeout with an unknown outcome or a
 * replay changes nothing twice. Every vendor call goes through the role-named ports and the write
 * guard, under the run's correlation id.
 */
import type { Env } from '../../env.js';
import { daysBetween } from '../../model/index.js';
import { createLogger } from '../../ops/log.js';
import { validateOrder, type OrderIssue, type OrderValidation, type ValidatedOrder } from '../../policies/orders/index.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { portsFor, type Ports } from '../../ports/registry.js';
import { invalidateAccountView } from '../../services/account-view.js';
import { serviceContext } from '../../services/context.js';
import { loadReference, refreshReference } from '../../services/reference.js';
import { auditStatement } from '../../storage/audit.js';
import { setRunState, stepStatement, type RunStatus } from '../../storage/flow-runs.js';
import { insertLink } from '../../storage/identity.js';
import { parentCompany, resolveCustomer, type CustomerResolution } from './customer.js';
import { orderKeyFor, type ClosedWonParams } from './params.js';
import { closedWonSettings, type ClosedWonSettings } from './settings.js';

export const ACTOR = 'flow:closed-won';

/** The ports of a run: the CRM's values are written into the ERP and CS as new records. */
export function runPorts(env: Env, p: ClosedWonParams): Ports {
  // Workflow steps are batch work: they may wait for a limiter window like any backfill.
  const ctx = serviceContext(env, { tenantId: p.tenantId, correlationId: p.correlationId, log: createLogger('info', { correlationId: p.correlationId, tenant: p.tenantId, flow: 'closed-won' }) }, { maxWaitMs: 30_000 });
  return portsFor(env, ctx, { flow: 'closed-won', actor: ACTOR, source: p.source, mode: 'create' });
}

const audit = (env: Env, p: ClosedWonParams, action: string, entityId: string, after: unknown) =>
  auditStatement(env.DB, { tenantId: p.tenantId, actor: ACTOR, action, entityType: 'flow_run', entityId, after, correlationId: p.correlationId });

/** Record a step's outcome and the run's new state (one D1 batch). */
export async function record(
  env: Env,
  p: ClosedWonParams,
  runId: string,
  s: { step: string; startedAt: string; status: 'done' | 'failed' | 'blocked'; detail?: unknown; run: { status: RunStatus; step: string | null; exceptions?: unknown; result?: unknown } },
  extra: D1PreparedStatement[] = [],
): Promise<void> {
  await env.DB.batch([
    stepStatement(env.DB, p.tenantId, runId, { step: s.step, status: s.status, startedAt: s.startedAt, finishedAt: new Date().toISOString(), detail: s.detail ?? null }),
    setRunState(env.DB, p.tenantId, runId, s.run),
    audit(env, p, `flow.closed_won.${s.step.replace(/#\d+$/, '').replace(/-/g, '_')}.${s.status}`, runId, s.detail ?? null),
    ...extra,
  ]);
}

/** Step `load`: the deal, its company, owner and product lines from the CRM; the deal shows "creating". */
export async function load(env: Env, p: ClosedWonParams): Promise<CrmOrderSource> {
  const crm = await runPorts(env, p).crm(p.source);
  const source = await crm.orderSource!(p.dealId);
  await crm.writeDealFacts!(p.dealId, { orderStatus: 'creating', orderIssue: null });
  return source;
}

/** Step `validate`: pre-create checks against the ERP's reference data (refreshed on a re-check). */
export async function validate(env: Env, p: ClosedWonParams, source: CrmOrderSource, recheck: boolean): Promise<OrderValidation> {
  const ctx = serviceContext(env, { tenantId: p.tenantId, correlationId: p.correlationId, log: createLogger('info', { correlationId: p.correlationId }) });
  // A re-check follows a fix, which may have been made in the ERP (a new item, a currency).
  const ref = recheck ? await refreshReference(env, ctx) : await loadReference(env, ctx);
  const terms = await (await runPorts(env, p).erp()).paymentTerms!();
  const settings = await closedWonSettings(env.DB, p.tenantId);
  return validateOrder(source, { ...ref, terms }, settings);
}

export interface CustomerStep {
  resolution: CustomerResolution;
  parentCustomerId: string | null;
}

/** Step `resolve-customer`: the parent first (hierarchy), then the company's ERP customer. */
export async function customer(env: Env, p: ClosedWonParams, source: CrmOrderSource, order: ValidatedOrder): Promise<CustomerStep> {
  const ports = runPorts(env, p);
  const settings = await closedWonSettings(env.DB, p.tenantId);
  let parentCustomerId: string | null = null;
  const parent = await parentCompany(ports, p, source);
  if (parent) {
    const r = await resolveCustomer(env, ports, p, parent, order, settings, null);
    if (!r.ok) return { resolution: r, parentCustomerId: null };
    parentCustomerId = r.customerId;
  }
  return { resolution: await resolveCustomer(env, ports, p, source.company!, order, settings, parentCustomerId), parentCustomerId };
}

export interface OrderStep {
  orderId: string;
  orderNumber: string;
  externalId: string;
  total: number;
}

/** Step `create-sales-order`: one order per deal, by Concord's key (`eid:` upsert). */
export async function salesOrder(env: Env, p: ClosedWonParams, source: CrmOrderSource, order: ValidatedOrder, customerId: string): Promise<OrderStep> {
  const erp = await runPorts(env, p).erp();
  const externalId = orderKeyFor(p);
  const start = source.deal.contractStart ?? dateOnly(source.deal.closeDate);
  const written = await erp.upsertSalesOrder!({
    externalId,
    customerId,
    ...(dateOnly(source.deal.closeDate) ? { date: dateOnly(source.deal.closeDate)! } : {}),
    memo: `${source.deal.name} (closed-won in ${p.source}, deal ${p.dealId})`,
    lines: order.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, ...(l.unitPrice !== null ? { unitPrice: l.unitPrice } : {}), ...(l.description ? { description: l.description } : {}) })),
    currency: order.currency,
    terms: order.termsId,
    startDate: start,
    endDate: source.deal.contractEnd,
  });
  const doc = await erp.document!('sales_order', written.id);
  return { orderId: written.id, orderNumber: doc.number, externalId, total: doc.total };
}

export interface CsStep {
  csAccountId: string;
  projectId: string;
}

/**
 * Step `provision-cs`: the CS account (created or found by the CRM company's id, as Vitally's
 * `externalId` points at the CRM record), its owner, Concord's facts as traits, and the
 * onboarding project with the tenant's milestones, due from the contract start.
 */
export async function provisionCs(env: Env, p: ClosedWonParams, source: CrmOrderSource, accountId: string, customerId: string, order: OrderStep): Promise<CsStep> {
  const ports = runPorts(env, p);
  const cs = await ports.cs();
  const settings: ClosedWonSettings = await closedWonSettings(env.DB, p.tenantId);
  const company = source.company!;
  const account = await cs.upsertAccount!({ externalId: company.externalId, name: company.name, ownerEmail: source.owner?.email ?? null });
  const start = source.deal.contractStart ?? dateOnly(source.deal.closeDate) ?? new Date().toISOString().slice(0, 10);
  const arr = annualized(order.total, start, source.deal.contractEnd);
  await cs.writeAccountFacts!(account.id, { concordAccountId: accountId, erpCustomerId: customerId, arr, contractEnd: source.deal.contractEnd, renewalDate: source.deal.contractEnd }, accountId);
  const plan = await cs.ensureOnboarding!(account.id, {
    key: `onboarding-${orderKeyFor(p)}`,
    name: `${settings.onboarding.name}: ${source.deal.name}`,
    milestones: settings.onboarding.milestones.map((m) => ({ key: m.key, name: m.name, dueDate: addDays(start, m.dueAfterDays) })),
  });
  await insertLink(env.DB, p.tenantId, accountId, { system: cs.system, externalId: account.id, rule: 'closed_won_provision', isPrimary: true }).run();
  return { csAccountId: account.id, projectId: plan.id };
}

/** Step `write-back`: the order's state and links onto the deal and the company (what the matrix allows). */
export async function writeBack(env: Env, p: ClosedWonParams, source: CrmOrderSource, accountId: string, customerId: string, order: OrderStep, cs: CsStep, completedAt: string): Promise<void> {
  const crm = await runPorts(env, p).crm(p.source);
  await crm.writeDealFacts!(p.dealId, { orderStatus: 'created', orderNumber: order.orderNumber, erpCustomerId: customerId, csAccountId: cs.csAccountId, orderCreatedAt: completedAt, orderIssue: null }, accountId);
  await crm.writeAccountFacts!([{ recordId: source.company!.externalId, accountId, facts: { concordAccountId: accountId, erpCustomerId: customerId, csAccountId: cs.csAccountId } }]);
  await invalidateAccountView(env, p.tenantId, accountId);
}

/** The deal shows why its order is blocked or failed (what the matrix allows). */
export async function markDeal(env: Env, p: ClosedWonParams, status: 'blocked' | 'failed', issue: string): Promise<void> {
  const crm = await runPorts(env, p).crm(p.source);
  await crm.writeDealFacts!(p.dealId, { orderStatus: status, orderIssue: issue.slice(0, 1000) });
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

function dateOnly(value: string | null): string | null {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The order total per year of the contract term (a one-year term when the deal names no end). */
function annualized(total: number, start: string, end: string | null): number {
  if (!end) return total;
  const days = daysBetween(start, end);
  return days > 0 ? Math.round((total * 365 * 100) / days) / 100 : total;
}
