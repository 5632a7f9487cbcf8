/**
 * The stalled-onboarding billing hold (policy `onboardingStalled.hold: 'billing'`), run after the
 * batch's digests are stored, like the tasks and the go-live release (consume.ts):
 * - while an account's stall episode is open, each of its ERP customer's approved, unfulfilled
 *   sales orders (NetSuite Pending Fulfillment) is reset to Pending Approval through the ERP port
 *   (the write guard decides `concord.billingHold`), once per episode and order: an order recorded
 *   for the episode (D1 `automation_holds`) is not held again, so a person who approves it during
 *   the stall has the last word; an order that appears during the stall is held too;
 * - once the episode has ended (milestone done, due date moved), or the policy no longer holds
 *   billing, each order Concord held and that is still Pending Approval is approved again; one a
 *   person already approved or that moved on is only marked lifted.
 * Every hold and release is audited on the account (its history). Retries are safe: an order
 * already held is no longer open, an order already released is no longer held, and a row is
 * written only after the ERP accepted the write.
 */
import type { Env } from '../../env.js';
import { portsFor } from '../../ports/registry.js';
import { SYSTEM_LABEL } from '../../services/audit-summary.js';
import type { ServiceContext } from '../../services/context.js';
import { auditStatement } from '../../storage/audit.js';
import { holdsOf, liftHoldStatement, recordHoldStatement } from '../../storage/automation-holds.js';
import { FLOW } from './intake.js';

/** What an account's billing should be under its stall episode and the policy (effects.ts). */
export interface BillingHoldWanted {
  accountId: string;
  erpCustomerId: string;
  /** The open episode whose stall holds billing; null: nothing is to be held (lift what was). */
  episodeKey: string | null;
  /** The stalled milestone, for the history line. */
  milestone: string | null;
}

/** Holds and lifts the accounts' billing as `wanted` says (see the module header). Failures per account. */
export async function applyBillingHolds(env: Env, ctx: ServiceContext, wanted: readonly BillingHoldWanted[]): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  if (wanted.length === 0) return failed;
  const holds = await holdsOf(env.DB, ctx.tenantId, wanted.map((w) => w.accountId));
  const ports = portsFor(env, ctx, { flow: FLOW, actor: 'concord' });
  for (const w of wanted) {
    const mine = holds.filter((h) => h.accountId === w.accountId);
    const toLift = mine.filter((h) => h.liftedAt === null && h.episodeKey !== w.episodeKey);
    if (!w.episodeKey && toLift.length === 0) continue;
    try {
      const erp = await ports.erp();
      const erpName = SYSTEM_LABEL[erp.system] ?? erp.system;
      const audit = (action: string, recordId: string, summary: string, extra: Record<string, unknown>) =>
        auditStatement(env.DB, { tenantId: ctx.tenantId, actor: 'concord', action, entityType: 'account', entityId: w.accountId, after: { summary, orderId: recordId, ...extra }, correlationId: ctx.correlationId });
      if (toLift.length > 0 && erp.heldSalesOrders && erp.releaseSalesOrder) {
        const stillHeld = new Set((await erp.heldSalesOrders(w.erpCustomerId)).map((o) => o.id));
        for (const h of toLift) {
          const now = new Date().toISOString();
          if (stillHeld.has(h.recordId)) {
            await erp.releaseSalesOrder({ id: h.recordId, externalId: h.externalId ?? h.recordId, status: 'released' });
            await env.DB.batch([
              liftHoldStatement(env.DB, ctx.tenantId, h, now),
              audit('account.automation.billing_hold_lifted', h.recordId, `Billing hold lifted in ${erpName}: sales order ${h.number} approved again (onboarding no longer stalled)`, { episode: h.episodeKey }),
            ]);
          } else {
            await env.DB.batch([
              liftHoldStatement(env.DB, ctx.tenantId, h, now),
              audit('account.automation.billing_hold_lifted', h.recordId, `Billing hold ended in ${erpName}: sales order ${h.number} is no longer pending approval (approved or closed there)`, { episode: h.episodeKey }),
            ]);
          }
        }
      }
      if (w.episodeKey && erp.openSalesOrders && erp.holdSalesOrder) {
        const recorded = new Set(mine.filter((h) => h.episodeKey === w.episodeKey).map((h) => h.recordId));
        for (const order of await erp.openSalesOrders(w.erpCustomerId)) {
          if (recorded.has(order.id)) continue;
          await erp.holdSalesOrder({ id: order.id, externalId: order.externalId, status: 'held' });
          const at = new Date().toISOString();
          await env.DB.batch([
            recordHoldStatement(env.DB, ctx.tenantId, { accountId: w.accountId, episodeKey: w.episodeKey, system: erp.system, recordId: order.id, number: order.number, externalId: order.externalId, heldAt: at }),
            audit('account.automation.billing_held', order.id, `Billing held in ${erpName}: sales order ${order.number} set back to pending approval (onboarding stalled${w.milestone ? `: ${w.milestone}` : ''})`, { episode: w.episodeKey, milestone: w.milestone }),
          ]);
          ctx.log.info('account_changes.billing_held', { accountId: w.accountId, orderId: order.id });
        }
      }
    } catch (err) {
      failed.set(w.accountId, err);
    }
  }
  return failed;
}
