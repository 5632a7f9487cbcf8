/**
 * Closed-won's ERP steps: the customer (linked, matched or created, parent first), the sales order
 * by Concord's key, and the order's write-back onto the CRM deal and company. A refusal by the
 * ERP (a 400 about the data: an unknown reference, a required field, a currency the customer does
 * not bill in) is a business exception with the ERP's own words, not a retry.
 */
import type { Env } from '../../env.js';
import type { ValidatedOrder } from '../../policies/orders/index.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { invalidateAccountView } from '../../services/account-view.js';
import { parentCompany, resolveCustomer, type CustomerResolution } from './customer.js';
import { orderKeyFor, type ClosedWonParams } from './params.js';
import { closedWonSettings } from './settings.js';
import { dateOnly, runPorts, vendorRefusal } from './steps.js';

/** A business exception of an ERP step, shaped like a validation issue. */
export interface ErpIssue {
  field: string;
  code: 'possible_duplicate' | 'erp_refused';
  message: string;
  fixIn: 'concord' | 'erp' | 'crm';
  action: string;
  candidates?: { externalId: string; name: string }[];
}

export type CustomerStep = { ok: true; customerId: string; accountId: string; how: 'linked' | 'matched' | 'created'; parentCustomerId: string | null } | { ok: false; issue: ErpIssue };

function refused(err: unknown, what: string, field: string): { ok: false; issue: ErpIssue } {
  const r = vendorRefusal(err);
  if (!r) throw err;
  return {
    ok: false,
    issue: { field, code: 'erp_refused', message: `${r.system} refused the ${what}: ${r.detail || 'no reason given'}.`, fixIn: 'erp', action: `Correct what ${r.system} names (on the CRM record or in ${r.system}), then retry.` },
  };
}

/** Step `resolve-customer`: the parent first (hierarchy), then the company's ERP customer. */
export async function customer(env: Env, p: ClosedWonParams, source: CrmOrderSource, order: ValidatedOrder): Promise<CustomerStep> {
  const ports = runPorts(env, p);
  const settings = await closedWonSettings(env.DB, p.tenantId);
  try {
    let parentCustomerId: string | null = null;
    const parent = await parentCompany(ports, p, source);
    if (parent) {
      const r = await resolveCustomer(env, ports, p, parent, order, settings, null);
      if (!r.ok) return { ok: false, issue: { ...r.issue, field: 'company.parent' } };
      parentCustomerId = r.customerId;
    }
    const r: CustomerResolution = await resolveCustomer(env, ports, p, source.company!, order, settings, parentCustomerId);
    return r.ok ? { ...r, parentCustomerId } : { ok: false, issue: r.issue };
  } catch (err) {
    return refused(err, 'customer', 'company');
  }
}

export interface SalesOrderResult {
  orderId: string;
  orderNumber: string;
  externalId: string;
  total: number;
  /** When Concord confirmed the order in the ERP (ISO instant). */
  createdAt: string;
}

export type OrderStep = { ok: true; order: SalesOrderResult } | { ok: false; issue: ErpIssue };

/**
 * Step `create-sales-order`: one order per deal, by Concord's key (`eid:` upsert, so a retry after
 * an unknown outcome finds the same order), then read back for its number and total.
 */
export async function salesOrder(env: Env, p: ClosedWonParams, source: CrmOrderSource, order: ValidatedOrder, customerId: string): Promise<OrderStep> {
  const erp = await runPorts(env, p).erp();
  const externalId = orderKeyFor(p);
  const closed = dateOnly(source.deal.closeDate);
  const settings = await closedWonSettings(env.DB, p.tenantId);
  try {
    const written = await erp.upsertSalesOrder!({
      externalId,
      customerId,
      ...(closed ? { date: closed } : {}),
      memo: `${source.deal.name} (closed-won in ${p.source}, deal ${p.dealId})`.slice(0, 999),
      lines: order.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, ...(l.unitPrice !== null ? { unitPrice: l.unitPrice } : {}), ...(l.description ? { description: l.description.slice(0, 500) } : {}) })),
      currency: order.currency,
      terms: order.termsId,
      startDate: source.deal.contractStart ?? closed,
      endDate: source.deal.contractEnd,
      // Billing waits for go-live: the order is held until the account's onboarding goes live.
      ...(settings.billing.releaseOnGoLive ? { billingHold: true } : {}),
    });
    const doc = await erp.document!('sales_order', written.id);
    return { ok: true, order: { orderId: written.id, orderNumber: doc.number, externalId, total: doc.total, createdAt: new Date().toISOString() } };
  } catch (err) {
    return refused(err, 'sales order', 'salesOrder');
  }
}

/**
 * Step `write-back-order`: the deal shows the order (created, its number, the ERP customer, when),
 * the company its Concord account and ERP customer: what the ownership matrix allows.
 */
export async function writeBackOrder(env: Env, p: ClosedWonParams, source: CrmOrderSource, accountId: string, customerId: string, order: SalesOrderResult): Promise<void> {
  const crm = await runPorts(env, p).crm(p.source);
  await crm.writeDealFacts!(p.dealId, { orderStatus: 'created', orderNumber: order.orderNumber, erpCustomerId: customerId, orderCreatedAt: order.createdAt, orderIssue: null }, accountId);
  await crm.writeAccountFacts!([{ recordId: source.company!.externalId, accountId, facts: { concordAccountId: accountId, erpCustomerId: customerId } }]);
  await invalidateAccountView(env, p.tenantId, accountId);
}
