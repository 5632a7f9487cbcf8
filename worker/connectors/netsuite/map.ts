/**
 * NetSuite raw rows/records -> canonical shapes. The only file that knows NetSuite field names
 * (tranid, foreignamountremaining, custbody_concord_disputed, ...).
 */
import { renewalDate, roundMoney, type Address, type ContractSection, type ReceivableInvoice } from '../../model/index.js';
import type { MatchRecord } from '../../ports/index.js';
import type { CustomerRecord, CustomerRow, InvoiceRow, SubscriptionRow } from './schemas.js';

/** Invoice status codes of SuiteQL `transaction.status` (and their display names). */
const PAID = new Set(['B', 'Paid In Full', 'paidInFull']);
const VOID = new Set(['V', 'Voided', 'voided']);

export function invoiceFromRow(row: InvoiceRow, currencyCode: string): ReceivableInvoice {
  const voided = row.status != null && VOID.has(row.status);
  const paid = row.status != null && PAID.has(row.status);
  const disputed = row.custbody_concord_disputed === 'T';
  const balance = voided || paid ? 0 : roundMoney(row.foreignamountremaining);
  return {
    id: row.id,
    number: row.tranid ?? row.id,
    issueDate: row.trandate.slice(0, 10),
    dueDate: (row.duedate ?? row.trandate).slice(0, 10),
    total: roundMoney(row.foreigntotal),
    balance,
    currency: currencyCode,
    // The summary re-derives open/overdue/partially_paid against today; here only the ERP facts.
    status: voided ? 'void' : paid ? 'paid' : disputed ? 'disputed' : 'open',
    disputed,
  };
}

const CONTRACT_STATUS: Record<string, ContractSection['status']> = {
  ACTIVE: 'active',
  PENDING_ACTIVATION: 'pending',
  DRAFT: 'draft',
  TERMINATED: 'terminated',
  SUSPENDED: 'suspended',
  EXPIRED: 'expired',
};

/** Current term: the active one ending last; else the next pending; else the latest ended. */
export function currentSubscription(rows: SubscriptionRow[]): SubscriptionRow | null {
  const latestEnd = (a: SubscriptionRow, b: SubscriptionRow) => b.enddate.localeCompare(a.enddate);
  const active = rows.filter((r) => r.status === 'ACTIVE').sort(latestEnd)[0];
  const pending = rows.filter((r) => r.status === 'PENDING_ACTIVATION').sort((a, b) => a.startdate.localeCompare(b.startdate))[0];
  return active ?? pending ?? [...rows].sort(latestEnd)[0] ?? null;
}

export function contractFromRow(row: SubscriptionRow, currencyCode: string, today: string): Omit<ContractSection, 'daysToRenewal'> {
  let status = CONTRACT_STATUS[row.status] ?? 'active';
  if (status === 'active' && row.enddate.slice(0, 10) < today) status = 'expired';
  return {
    id: row.id,
    name: row.name,
    status,
    startDate: row.startdate.slice(0, 10),
    endDate: row.enddate.slice(0, 10),
    renewalDate: renewalDate(row.enddate.slice(0, 10)),
    arr: roundMoney(Math.max(0, row.custrecord_concord_arr ?? 0)),
    currency: currencyCode,
    autoRenew: row.autorenewal === 'T',
  };
}

function address(item: NonNullable<NonNullable<CustomerRecord['addressBook']>['items']>[number] | undefined): Address | null {
  const a = item?.addressBookAddress;
  if (!a?.addr1 || !a.city || !a.country || !a.zip) return null;
  const country = typeof a.country === 'string' ? a.country : a.country.id;
  if (!/^[A-Z]{2}$/.test(country)) return null;
  return {
    line1: a.addr1,
    ...(a.addr2 ? { line2: a.addr2 } : {}),
    city: a.city,
    ...(a.state ? { region: a.state } : {}),
    postalCode: a.zip,
    country,
  };
}

export function accountFactsFromRecord(rec: CustomerRecord, currencyCode: string | null, domain: string | null) {
  const items = rec.addressBook?.items ?? [];
  return {
    legalName: rec.companyName ?? null,
    domain,
    taxId: rec.vatRegNumber || null,
    currency: currencyCode,
    billTo: address(items.find((i) => i.defaultBilling) ?? items[0]),
    shipTo: address(items.find((i) => i.defaultShipping)),
  };
}

export function matchRecordFromRow(row: CustomerRow): MatchRecord {
  return {
    externalId: row.id,
    name: row.companyname ?? row.entityid ?? row.id,
    domain: row.url ?? null,
    taxId: row.vatregnumber ?? null,
    // Raw, e.g. 'hs-1000123': the matcher reads the prefix.
    crmHint: row.externalid ?? null,
  };
}
