/**
 * Receivables derivation for the AccountView: totals summed in integer cents, status re-derived
 * against today (a stored `open` invoice becomes `overdue` the day after its due date).
 *
 * overdueTotal includes disputed invoices that are past due (it matches the ERP's A/R aging);
 * disputedTotal is the disputed subset and may overlap it. See docs/canonical-model.md.
 */
import { compareDates, daysBetween } from './dates.js';
import { deriveInvoiceStatus, type Invoice } from './invoice.js';
import { fromCents, toCents, type CurrencyCode } from './money.js';
import type { OpenInvoice, ReceivablesSection } from './account-view.js';

/** The invoice fields the summary reads (a canonical `Invoice` fits). */
export type ReceivableInvoice = Pick<
  Invoice,
  'id' | 'number' | 'issueDate' | 'dueDate' | 'total' | 'balance' | 'currency' | 'status' | 'disputed'
>;

/** Today's view of one invoice: canonical status against `today`, balance in cents. */
function assess(inv: ReceivableInvoice, today: string) {
  const status = deriveInvoiceStatus(
    {
      total: inv.total,
      balance: inv.balance,
      dueDate: inv.dueDate,
      voided: inv.status === 'void',
      paidInFull: inv.status === 'paid',
      disputed: inv.disputed || inv.status === 'disputed',
    },
    today,
  );
  const balanceCents = status === 'void' || status === 'paid' ? 0 : toCents(inv.balance);
  const daysOverdue = Math.max(0, daysBetween(inv.dueDate, today));
  return { status, balanceCents, daysOverdue: balanceCents > 0 ? daysOverdue : 0 };
}

/** The currency holding the largest open balance (ties: alphabetical), else the first seen. */
function dominantCurrency(invoices: readonly ReceivableInvoice[], today: string): CurrencyCode | undefined {
  const byCurrency = new Map<string, number>();
  for (const inv of invoices) {
    byCurrency.set(inv.currency, (byCurrency.get(inv.currency) ?? 0) + assess(inv, today).balanceCents);
  }
  return [...byCurrency.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * Summarises a customer's invoices for the receivables section.
 * Only invoices in the section currency count (amounts in different currencies cannot be added);
 * use `summarizeReceivablesByCurrency` to see all of them. Without `currency`, the currency with
 * the largest open balance is used; with no invoices and no currency there is nothing to report.
 */
export function summarizeReceivables(invoices: readonly ReceivableInvoice[], today: string, currency: CurrencyCode): ReceivablesSection;
export function summarizeReceivables(invoices: readonly ReceivableInvoice[], today: string): ReceivablesSection | null;
export function summarizeReceivables(
  invoices: readonly ReceivableInvoice[],
  today: string,
  currency?: CurrencyCode,
): ReceivablesSection | null {
  const sectionCurrency = currency ?? dominantCurrency(invoices, today);
  if (sectionCurrency === undefined) return null;
  let openCents = 0;
  let overdueCents = 0;
  let disputedCents = 0;
  const open: OpenInvoice[] = [];
  for (const inv of invoices) {
    if (inv.currency !== sectionCurrency) continue;
    const { status, balanceCents, daysOverdue } = assess(inv, today);
    if (balanceCents <= 0) continue;
    openCents += balanceCents;
    if (daysOverdue > 0) overdueCents += balanceCents;
    if (status === 'disputed') disputedCents += balanceCents;
    open.push({
      id: inv.id,
      number: inv.number,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      total: inv.total,
      balance: fromCents(balanceCents),
      currency: inv.currency,
      status,
      daysOverdue,
      disputed: status === 'disputed',
    });
  }
  open.sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.number.localeCompare(b.number));
  return {
    currency: sectionCurrency,
    openTotal: fromCents(openCents),
    overdueTotal: fromCents(overdueCents),
    disputedTotal: fromCents(disputedCents),
    openInvoiceCount: open.length,
    openInvoices: open,
  };
}

/** One receivables summary per currency found, largest open balance first. */
export function summarizeReceivablesByCurrency(invoices: readonly ReceivableInvoice[], today: string): ReceivablesSection[] {
  const currencies = [...new Set(invoices.map((i) => i.currency))];
  return currencies
    .map((c) => summarizeReceivables(invoices, today, c))
    .sort((a, b) => toCents(b.openTotal) - toCents(a.openTotal) || a.currency.localeCompare(b.currency));
}
