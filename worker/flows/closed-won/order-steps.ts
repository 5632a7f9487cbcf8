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
import { SYSTEM_NAMES } from '../../services/order-state.js';
import { parentCompany, resolveCustomer, type CustomerResolution } from './customer.js';
import { orderKeyFor, runIdFor, type ClosedWonParams } from './params.js';
import { closedWonSettings } from './settings.js';
import { dateOnly, runPorts, vendorRefusal } from './steps.js';
import { queueWriteback } from './writeback.js';

/** A business exception of an ERP step, shaped like a validation issue. */
export interface ErpIssue {
  field: string;
  code: 'possible_duplicate' | 'erp_refused';
  message: string;
  fixIn: 'concord' | 'erp' | 'crm';
  action: string;
  /** The field as the ERP named it in its refusal (NetSuite `o:errorPath`), when it named one. */
  erpField?: string;
  candidates?: { externalId: string; name: string }[];
}

export type CustomerStep = { ok: true; customerId: string; accountId: string; how: 'linked' | 'matched' | 'created'; parentCustomerId: string | null } | { ok: false; issue: ErpIssue };

/** The company field (canonical path) an ERP customer input field comes from. */
const COMPANY_FIELD: Record<string, string> = { name: 'company.name', website: 'company.domain', taxId: 'company.taxId', 'billTo.line1': 'company.billingAddress.line1', 'billTo.city': 'company.billingAddress.city', 'billTo.postalCode': 'company.billingAddress.postalCode', 'billTo.region': 'company.billingAddress.region', 'billTo.country': 'company.billingAddress.country', currency: 'deal.currency', terms: 'deal.paymentTerms' };
/** The deal field (canonical path) an ERP sales order input field comes from. */
const ORDER_FIELD: Record<string, string> = { currency: 'deal.currency', terms: 'deal.paymentTerms', date: 'deal.closeDate', startDate: 'deal.contractStart', endDate: 'deal.contractEnd' };

/**
 * The ERP refused a write about its data (NetSuite: a 400 with `o:errorDetails`): a business
 * exception with the ERP's own words and the field it named, mapped back to the deal where
 * Concord knows where the value came from (an order line is the deal's line with that SKU).
 */
function refused(err: unknown, what: 'customer' | 'sales order', order: ValidatedOrder): { ok: false; issue: ErpIssue } {
  const r = vendorRefusal(err);
  if (!r) throw err;
  const system = SYSTEM_NAMES[r.system] ?? r.system;
  const at = r.path ? ` (${system} field ${r.path})` : '';
  const detail = r.detail.replace(/\.$/, '') || 'no reason given';
  const base = { code: 'erp_refused' as const, fixIn: 'erp' as ErpIssue['fixIn'], ...(r.path ? { erpField: r.path } : {}) };
  const line = /^lines\.(\d+)(?:\.(\w+))?$/.exec(r.field ?? '');
  const sold = line ? order.lines[Number(line[1])] : undefined;
  if (what === 'sales order' && line && sold) {
    const n = Number(line[1]) + 1;
    if (line[2] === 'itemId') {
      return {
        ok: false,
        issue: { ...base, field: `lines.${line[1]}.sku`, message: `${system} refused the sales order: ${detail}${at}. Line ${n} is SKU ${sold.sku}, ${system} item ${sold.itemId}.`, action: `Make ${system} item ${sold.itemId} (SKU ${sold.sku}) active and sellable, or replace that product on the deal, then retry.` },
      };
    }
    return { ok: false, issue: { ...base, field: `lines.${line[1]}${line[2] ? `.${line[2]}` : ''}`, message: `${system} refused the sales order: ${detail}${at}. Line ${n} is SKU ${sold.sku}.`, action: `Correct line ${n} (SKU ${sold.sku}) on the deal or its item in ${system}, then retry.` } };
  }
  if (what === 'customer' && r.field === 'subsidiary') {
    // The subsidiary comes from the tenant's closed-won settings, not from the CRM record.
    return {
      ok: false,
      issue: { ...base, fixIn: 'concord', field: 'settings.subsidiary', message: `${system} refused the customer: ${detail}${at}. The subsidiary is Concord's closed-won setting.`, action: `Set the subsidiary in Concord's closed-won settings to one ${system} has (or none, for ${system}'s default), then retry.` },
    };
  }
  const mapped = r.field ? (what === 'customer' ? COMPANY_FIELD : ORDER_FIELD)[r.field] : undefined;
  const field = mapped ?? (what === 'customer' ? 'company' : 'salesOrder');
  return {
    ok: false,
    issue: { ...base, field, message: `${system} refused the ${what}: ${detail}${at}.`, action: mapped ? `Correct ${mapped} on the CRM record (or what ${system} expects of it), then retry.` : `Correct what ${system} names${r.path ? ` (${r.path})` : ''}, in ${system} or on the CRM record, then retry.` },
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
    return refused(err, 'customer', order);
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
    return refused(err, 'sales order', order);
  }
}

/**
 * Step `write-back-order`: the deal is to show the order (created, its number, the ERP customer,
 * when), the company its Concord account and ERP customer: the run's row takes them and a
 * write-back pointer is queued, written with other runs' in batched CRM calls, what the ownership
 * matrix allows (writeback.ts).
 */
export async function writeBackOrder(env: Env, p: ClosedWonParams, source: CrmOrderSource, accountId: string, customerId: string, order: SalesOrderResult): Promise<void> {
  await queueWriteback(env, p, runIdFor(p), {
    stage: 'order',
    companyId: source.company!.externalId,
    accountId,
    result: { customerId, accountId, orderId: order.orderId, orderNumber: order.orderNumber, orderCreatedAt: order.createdAt },
  });
  await invalidateAccountView(env, p.tenantId, accountId);
}
