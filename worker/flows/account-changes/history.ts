/**
 * The lines an account's history shows for ERP and CS changes, pure: from a record read back
 * ("Invoice INV-002749 paid in NetSuite") and from what changed in the account's digest ("Health
 * fell from 62 to 41"). Each line has a key that says what it is about, so the same fact reported
 * by two records (a payment and the invoice it settles) is one line (storage/record-changes.ts).
 */
import type { ErpRecordType } from '../../model/changes.js';
import type { ErpRecordVersion } from '../../ports/index.js';
import type { AccountState } from '../../policies/account-facts/index.js';
import type { HistoryLine } from '../../storage/record-changes.js';

/** What the change log keeps of a record version, to compare the next version with. */
export interface RecordSummary {
  number: string | null;
  customerId: string | null;
  balance: number | null;
  status: string | null;
  disputed: boolean;
  amount: number | null;
  dueDate: string | null;
}

export function summaryOf(v: ErpRecordVersion): RecordSummary {
  return { number: v.number, customerId: v.customerId, balance: v.balance, status: v.status, disputed: v.disputed, amount: v.amount, dueDate: v.dueDate };
}

const money = (amount: number | null, currency: string | null) =>
  amount === null ? '' : `${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount)}${currency ? ` ${currency}` : ''}`;

const NOUN: Readonly<Record<ErpRecordType, string>> = {
  invoice: 'Invoice',
  payment: 'Payment',
  credit_memo: 'Credit memo',
  sales_order: 'Sales order',
  contract: 'Contract',
  customer: 'Customer record',
};

/** A record's version ends in its last modified instant: lines about "this edit" key on it. */
const at = (v: ErpRecordVersion) => v.lastModified;

/**
 * The history lines of one ERP record version. `previous` is what the change log knew of the
 * record (null the first time Concord sees it change); `eventType` what the push said (null from a
 * poll); `erp` the ERP's name as people know it ("NetSuite").
 */
export function erpRecordHistory(
  v: ErpRecordVersion | null,
  previous: RecordSummary | null,
  change: { recordType: ErpRecordType; recordId: string; eventType: 'create' | 'edit' | 'delete' | null; lastModified: number },
  erp: string,
): HistoryLine[] {
  const detail = (extra: Record<string, string | number | boolean | null> = {}) => ({ system: erp.toLowerCase(), recordType: change.recordType, recordId: change.recordId, ...extra });
  const name = (n: string | null | undefined) => `${NOUN[change.recordType]} ${n ?? change.recordId}`;
  if (!v) {
    return [{ key: `${change.recordType}-deleted:${change.recordId}`, action: 'erp.record.deleted', summary: `${name(previous?.number)} deleted in ${erp}`, detail: detail() }];
  }
  const lines: HistoryLine[] = [];
  const line = (key: string, summary: string, extra: Record<string, string | number | boolean | null> = {}) => lines.push({ key, action: 'erp.record.changed', summary, detail: detail(extra) });
  switch (v.recordType) {
    case 'payment':
    case 'credit_memo': {
      const what = v.recordType === 'payment' ? `Payment ${v.number ?? v.id}` : `Credit memo ${v.number ?? v.id}`;
      if (v.applied.length === 0) line(`${v.recordType}:${v.id}`, `${what} of ${money(v.amount, v.currency)} received in ${erp}`, { amount: v.amount });
      for (const a of v.applied) {
        const invoice = `Invoice ${a.number ?? a.invoiceId}`;
        if (a.balance === 0) line(`invoice-paid:${a.invoiceId}`, v.recordType === 'payment' ? `${invoice} paid in ${erp}` : `${invoice} settled by ${what.toLowerCase()} in ${erp}`, { invoiceId: a.invoiceId, amount: a.amount });
        else line(`${v.recordType}:${v.id}:${a.invoiceId}`, `${what} of ${money(a.amount, v.currency)} applied to ${invoice.toLowerCase()} in ${erp}${a.balance !== null ? `; ${money(a.balance, v.currency)} still due` : ''}`, { invoiceId: a.invoiceId, amount: a.amount });
      }
      break;
    }
    case 'invoice': {
      const n = name(v.number);
      if (v.status === 'paid' && previous?.status !== 'paid') line(`invoice-paid:${v.id}`, `${n} paid in ${erp}`, { amount: v.amount });
      else if (v.status === 'void' && previous?.status !== 'void') line(`invoice-void:${v.id}`, `${n} voided in ${erp}`);
      else if (v.disputed && !previous?.disputed) line(`invoice-disputed:${v.id}:${at(v)}`, `${n} disputed in ${erp} (${money(v.balance, v.currency)} open)`, { balance: v.balance });
      else if (!v.disputed && previous?.disputed) line(`invoice-undisputed:${v.id}:${at(v)}`, `Dispute on ${n.toLowerCase()} resolved in ${erp}`);
      else if (previous && previous.balance !== null && v.balance !== null && v.balance < previous.balance) {
        line(`invoice-balance:${v.id}:${at(v)}`, `${n}: ${money(v.balance, v.currency)} still due after a payment in ${erp}`, { balance: v.balance });
      } else if (!previous && (change.eventType === 'create' || change.eventType === null)) {
        line(`invoice-issued:${v.id}`, `${n} of ${money(v.amount, v.currency)} issued in ${erp}${v.dueDate ? `, due ${v.dueDate}` : ''}`, { amount: v.amount });
      } else line(`invoice-updated:${v.id}:${at(v)}`, `${n} updated in ${erp}`);
      break;
    }
    case 'contract': {
      const n = name(v.number);
      if (previous && previous.dueDate !== v.dueDate && v.dueDate) line(`contract-end:${v.id}:${v.dueDate}`, `${n} now ends ${v.dueDate} (was ${previous.dueDate ?? 'open-ended'}) in ${erp}`);
      if (previous && previous.amount !== v.amount && v.amount !== null) line(`contract-arr:${v.id}:${v.amount}`, `${n} ARR changed from ${money(previous.amount, v.currency)} to ${money(v.amount, v.currency)} in ${erp}`);
      if (previous && previous.status !== v.status && v.status) line(`contract-status:${v.id}:${v.status}:${at(v)}`, `${n} is now ${v.status} in ${erp}`);
      if (lines.length === 0) line(`contract:${v.id}:${at(v)}`, `${n} amended in ${erp}${v.dueDate ? ` (ends ${v.dueDate}` : ''}${v.dueDate && v.amount !== null ? `, ARR ${money(v.amount, v.currency)})` : v.dueDate ? ')' : ''}`);
      break;
    }
    case 'sales_order':
      line(change.eventType === 'create' ? `sales-order-created:${v.id}` : `sales-order:${v.id}:${at(v)}`, `${name(v.number)}${change.eventType === 'create' ? ` of ${money(v.amount, v.currency)} created` : ' updated'} in ${erp}`, { amount: v.amount });
      break;
    case 'customer':
      line(`customer:${v.id}:${at(v)}`, `Customer record ${v.number ?? v.id} updated in ${erp}`);
      break;
  }
  return lines;
}

/** The history lines of what changed in an account's digest (CS changes, and the renewal risk). */
export function stateHistory(
  previous: AccountState | undefined,
  next: AccountState,
  risk: { from: string | null | undefined; to: string | null | undefined },
  cs: string,
  hold: { from: boolean | null | undefined; to: boolean | null | undefined; amount: number; currency: string | null; overdueDays: number; off?: boolean } = { from: undefined, to: undefined, amount: 0, currency: null, overdueDays: 0 },
): HistoryLine[] {
  const lines: HistoryLine[] = [];
  const add = (key: string, action: string, summary: string, detail: Record<string, string | number | boolean | null>) => lines.push({ key, action, summary, detail });
  const before = previous?.cs;
  const after = next.cs;
  if (before && after) {
    const from = before.health ? Math.round(before.health.score) : null;
    const to = after.health ? Math.round(after.health.score) : null;
    if (from !== null && to !== null && from !== to) {
      add('health', 'cs.health.changed', `Health ${to < from ? 'fell' : 'rose'} from ${from} to ${to}`, { system: cs.toLowerCase(), from, to });
    }
    const done = new Set(before.onboarding?.completed ?? []);
    for (const milestone of after.onboarding?.completed ?? []) {
      if (!done.has(milestone)) add(`milestone:${milestone}`, 'cs.onboarding.changed', `Onboarding milestone "${milestone}" completed in ${cs}`, { system: cs.toLowerCase(), milestone });
    }
    if (after.onboarding && before.onboarding?.status !== after.onboarding.status && (after.onboarding.status === 'completed' || after.onboarding.status === 'stalled')) {
      add(`onboarding:${after.onboarding.status}`, 'cs.onboarding.changed', `Onboarding ${after.onboarding.status} in ${cs}`, { system: cs.toLowerCase(), status: after.onboarding.status });
    }
    const open = new Map(before.escalations.map((e) => [e.id, e]));
    const now = new Set(after.escalations.map((e) => e.id));
    for (const e of after.escalations) {
      if (!open.has(e.id)) add(`escalation-opened:${e.id}`, 'cs.escalation.changed', `Escalation opened in ${cs}: "${e.subject}" (${e.priority})`, { system: cs.toLowerCase(), escalationId: e.id, priority: e.priority });
    }
    for (const e of before.escalations) {
      if (!now.has(e.id)) add(`escalation-closed:${e.id}`, 'cs.escalation.changed', `Escalation closed in ${cs}: "${e.subject}"`, { system: cs.toLowerCase(), escalationId: e.id });
    }
  }
  // The finance hold is an automation's verdict: set and lifted lines say why.
  if (hold.to === true && hold.from !== true) {
    add('finance-hold', 'account.finance_hold.set', `Finance hold set: ${money(hold.amount, hold.currency)} overdue for more than ${hold.overdueDays} days`, { amount: hold.amount, overdueDays: hold.overdueDays });
  } else if (hold.to === false && hold.from === true && hold.off) {
    add('finance-hold', 'account.finance_hold.lifted', 'Finance hold lifted: the finance hold automation is switched off', { amount: hold.amount, overdueDays: hold.overdueDays });
  } else if (hold.to === false && hold.from === true) {
    add('finance-hold', 'account.finance_hold.lifted', `Finance hold lifted: ${hold.amount > 0 ? `${money(hold.amount, hold.currency)} overdue for more than ${hold.overdueDays} days, under the threshold` : `nothing overdue for more than ${hold.overdueDays} days`}`, { amount: hold.amount, overdueDays: hold.overdueDays });
  }
  if (previous && risk.from && risk.to && risk.from !== risk.to) {
    const order = ['low', 'medium', 'high'];
    add('risk', 'account.risk.changed', `Renewal risk ${order.indexOf(risk.to) > order.indexOf(risk.from) ? 'rose' : 'fell'} from ${risk.from} to ${risk.to}`, { from: risk.from, to: risk.to });
  }
  return lines;
}
