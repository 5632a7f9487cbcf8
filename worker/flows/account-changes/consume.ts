/**
 * The change pipeline for one queue batch of `erp.change` / `cs.change` messages:
 * 1. intake, per message (intake.ts): the change claimed and recorded exactly once;
 * 2. effects, once per marked account of the batch however many of its changes arrived
 *    (effects.ts): view rebuilt, digest and history stored;
 * 3. CRM writes, once per tenant and CRM system for the whole batch (crm-facts.ts): a burst of
 *    changed accounts becomes a few full batch calls, not one call per account;
 * 4. each account's mark cleared unless a newer change marked it meanwhile.
 * Steps 2-4 run in the batch for up to INLINE_EFFECTS_MAX accounts; a batch that marks more (a
 * burst) hands them to the writes queue (effects-queue.ts), whose deliveries run 100 accounts'
 * effects at once, whatever number of changes per account the change batches held.
 * A message is done when its intake and its account's effects succeeded, or, in a burst, when its
 * intake succeeded and its account's pointer was sent; otherwise the caller retries it (its
 * redelivery finds the change claimed and the account still marked).
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import type { AccountState } from '../../policies/account-facts/index.js';
import type { CsChange, ErpChange } from '../../queues/messages.js';
import { serviceContext } from '../../services/context.js';
import { invalidateAccountView } from '../../services/account-view.js';
import { clearDirtyStatement, dirtyMarks, loadStates } from '../../storage/account-changes.js';
import { applyBillingHolds, type BillingHoldWanted } from './billing-hold.js';
import { writeCrmFacts, type FactsToWrite } from './crm-facts.js';
import { INLINE_EFFECTS_MAX, queueAccountEffects } from './effects-queue.js';
import { accountEffects, type AutomationSettings, type AutomationTask, type BillingRelease, type CrmTarget } from './effects.js';
import { closedWonSettings } from '../closed-won/settings.js';
import { loadAutomationPolicy } from '../../services/automation-policy.js';
import { auditStatement } from '../../storage/audit.js';
import { SYSTEM_LABEL } from '../../services/audit-summary.js';
import { portsFor } from '../../ports/registry.js';
import { sha256Hex } from '../../storage/crypto.js';
import type { ServiceContext } from '../../services/context.js';
import { FLOW, QUEUE_WAIT_MS, intakeCsChange, intakeErpChange, type IntakeOutcome } from './intake.js';

export interface PipelineItem {
  m: ErpChange | CsChange;
  log: Logger;
}

/** Accounts worked on at once (each rebuild holds vendor slots; the limiter paces the rest). */
const CONCURRENCY = 6;

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Runs the effects of `accountIds` (those still marked) and writes their facts; returns the
 * accounts that failed, with why. Also used by the scheduled sweep for marks left behind, and by
 * the re-judging after a policy save (`rejudge`: see effects.ts `AutomationSettings`).
 */
export async function runAccountEffects(
  env: Env,
  tenantId: string,
  accountIds: readonly string[],
  correlationId: string,
  log: Logger,
  options: { rejudge?: boolean } = {},
): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  if (accountIds.length === 0) return failed;
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const marks = await dirtyMarks(env.DB, tenantId, accountIds);
  const marked = [...marks.keys()];
  const [states, tenantSettings] = await Promise.all([loadStates<AccountState>(env.DB, tenantId, marked), automationSettings(env.DB, tenantId)]);
  const settings: AutomationSettings = options.rejudge ? { ...tenantSettings, rejudge: true } : tenantSettings;
  const releases: { accountId: string; release: BillingRelease }[] = [];
  const billingHolds: BillingHoldWanted[] = [];
  const toWrite: FactsToWrite[] = [];
  const tasks: { accountId: string; task: AutomationTask; targets: CrmTarget[] }[] = [];
  const done: string[] = [];
  await eachLimited(marked, CONCURRENCY, async (accountId) => {
    try {
      const effects = await accountEffects(env, ctx, accountId, marks.get(accountId)!, states.get(accountId), settings);
      if (effects) {
        await env.DB.batch(effects.statements);
        // The view shows the renewal hold from the digest just stored: the one it was built with is gone.
        if (effects.renewalHoldMoved) await invalidateAccountView(env, tenantId, accountId);
        toWrite.push({ accountId, facts: effects.facts, targets: effects.targets });
        for (const task of effects.tasks) tasks.push({ accountId, task, targets: effects.targets });
        if (effects.release) releases.push({ accountId, release: effects.release });
        if (effects.billingHold) billingHolds.push(effects.billingHold);
      }
      done.push(accountId);
    } catch (err) {
      failed.set(accountId, err);
    }
  });
  // The CRM facts, the CRM tasks and the ERP's billing are independent of one another: written
  // at once, so the batch (and the one queued behind it) does not wait for them in turn. The go-live
  // release and the stall's billing hold may touch the same sales order: those two stay in order.
  const [written, taskFailures, billingFailures] = await Promise.all([
    writeCrmFacts(env, ctx, toWrite),
    fileTasks(env, ctx, tasks),
    (async () => new Map([...(await releaseBilling(env, ctx, releases)), ...(await applyBillingHolds(env, ctx, billingHolds))]))(),
  ]);
  for (const [accountId, err] of written.failedAccounts) failed.set(accountId, err);
  for (const [accountId, err] of taskFailures) failed.set(accountId, err);
  for (const [accountId, err] of billingFailures) failed.set(accountId, err);
  const cleared = done.filter((a) => !failed.has(a)).map((a) => clearDirtyStatement(env.DB, tenantId, a, marks.get(a)!.seq));
  for (let i = 0; i < cleared.length; i += 50) await env.DB.batch(cleared.slice(i, i + 50));
  log.info('account_changes.effects', { accounts: marked.length, failed: failed.size, crm: written.systems });
  return failed;
}

/**
 * Automation tasks on each CRM record of their account, idempotently (the connectors' ledger
 * replays a key already used, so an open episode's task is filed once). Failures per account.
 */
async function fileTasks(env: Env, ctx: ServiceContext, items: readonly { accountId: string; task: AutomationTask; targets: CrmTarget[] }[]): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  if (items.length === 0) return failed;
  const ports = portsFor(env, ctx, { flow: FLOW, actor: 'concord' });
  for (const { accountId, task, targets } of items) {
    for (const t of targets) {
      try {
        if ((await ports.systemFor('crm', t.system)) !== t.system) continue;
        const crm = await ports.crm(t.system);
        // Hashed: Salesforce keeps the key in a 64-character text field (Concord_Id__c).
        if (!crm.createTask) continue;
        await crm.createTask({ companyId: t.recordId }, { subject: task.subject, body: task.body, dueDate: task.dueDate, idempotencyKey: await sha256Hex(`${task.key}:${t.system}:${t.recordId}`) });
      } catch (err) {
        failed.set(accountId, err);
      }
    }
  }
  return failed;
}

/**
 * The automations' view of the tenant's settings, read once per batch: its automation policy
 * (which automations run, with which thresholds), and billing waits for go-live when the
 * closed-won settings say so.
 */
async function automationSettings(db: D1Database, tenantId: string): Promise<AutomationSettings> {
  const [s, policy] = await Promise.all([closedWonSettings(db, tenantId), loadAutomationPolicy(db, tenantId)]);
  if (!s.billing.releaseOnGoLive) return { goLiveMilestone: null, policy };
  return { goLiveMilestone: s.onboarding.milestones.find((m) => m.key === s.billing.goLiveMilestone)?.name ?? null, policy };
}

/** Concord's own orders (closed-won keys): an order someone else holds in the ERP is theirs to release. */
const CONCORD_ORDER = /^(hubspot-deal|salesforce-opp)-/;

/**
 * Go-live releases billing: each order Concord created for the customer and that is still held
 * is released through the ERP port (the write guard decides it), and the account's history says
 * so. Releasing is idempotent: a retry finds the order no longer held. Failures per account.
 */
async function releaseBilling(env: Env, ctx: ServiceContext, items: readonly { accountId: string; release: BillingRelease }[]): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  if (items.length === 0) return failed;
  const ports = portsFor(env, ctx, { flow: FLOW, actor: 'concord' });
  for (const { accountId, release } of items) {
    try {
      const erp = await ports.erp();
      if (!erp.heldSalesOrders || !erp.releaseSalesOrder) continue;
      const held = (await erp.heldSalesOrders(release.erpCustomerId)).filter((o) => o.externalId !== null && CONCORD_ORDER.test(o.externalId));
      for (const order of held) {
        await erp.releaseSalesOrder({ id: order.id, externalId: order.externalId!, status: 'released' });
        const erpName = SYSTEM_LABEL[erp.system] ?? erp.system;
        await auditStatement(env.DB, {
          tenantId: ctx.tenantId,
          actor: 'concord',
          action: 'account.automation.billing_released',
          entityType: 'account',
          entityId: accountId,
          after: { summary: `Billing released in ${erpName}: sales order ${order.number} approved (${release.milestone} completed)`, orderId: order.id, externalId: order.externalId, milestone: release.milestone },
          correlationId: ctx.correlationId,
        }).run();
        ctx.log.info('account_changes.billing_released', { accountId, orderId: order.id });
      }
    } catch (err) {
      failed.set(accountId, err);
    }
  }
  return failed;
}

/** The batch's messages, each with its outcome: null when done, else the error to retry on. */
export async function consumeAccountChanges(env: Env, items: readonly PipelineItem[]): Promise<Map<PipelineItem, unknown>> {
  const errors = new Map<PipelineItem, unknown>();
  const outcomes = new Map<PipelineItem, IntakeOutcome>();
  // One intake per version in the batch: a push and the poll that raced it, or a duplicate push,
  // carry the same key, and the record is read back once for all of them (the others share its
  // outcome as duplicates, and its failure: all are retried).
  const firsts = new Map<string, Promise<IntakeOutcome>>();
  const intake = (item: PipelineItem): Promise<IntakeOutcome> => {
    const key = `${item.m.tenantId}:${item.m.idempotencyKey}`;
    const first = firsts.get(key);
    if (first) return first.then((o) => ({ accountId: o.accountId, status: 'duplicate' as const }));
    const run = item.m.kind === 'erp.change' ? intakeErpChange(env, item.m, item.log) : intakeCsChange(env, item.m, item.log);
    firsts.set(key, run);
    return run;
  };
  await eachLimited(items, CONCURRENCY, async (item) => {
    try {
      outcomes.set(item, await intake(item));
    } catch (err) {
      errors.set(item, err);
    }
  });
  const byTenant = new Map<string, PipelineItem[]>();
  for (const [item, outcome] of outcomes) if (outcome.accountId) byTenant.set(item.m.tenantId, [...(byTenant.get(item.m.tenantId) ?? []), item]);
  for (const [tenantId, group] of byTenant) {
    const accounts = [...new Set(group.map((i) => outcomes.get(i)!.accountId!))];
    let failed: Map<string, unknown>;
    try {
      if (accounts.length > INLINE_EFFECTS_MAX) {
        // A burst: the effects run on the writes queue, many change batches' accounts at once.
        await queueAccountEffects(env, tenantId, accounts, group[0]!.m.correlationId);
        failed = new Map();
      } else {
        failed = await runAccountEffects(env, tenantId, accounts, group[0]!.m.correlationId, group[0]!.log.with({ accounts: accounts.length }));
      }
    } catch (err) {
      failed = new Map(accounts.map((a) => [a, err]));
    }
    for (const item of group) {
      const err = failed.get(outcomes.get(item)!.accountId!);
      if (err !== undefined) errors.set(item, err);
    }
  }
  return errors;
}
