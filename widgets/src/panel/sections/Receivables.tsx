/** AR summary (open / overdue / disputed totals, whether there is no finance hold) and the open invoices with status badges. */
import { formatDate, formatMoney } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import type { AccountView, InvoiceStatus, Receivables as ReceivablesData } from '../types.js';
import { FinanceHoldNote } from './FinanceHold.js';
import { SectionBody } from './SectionState.js';

const STATUS: Record<InvoiceStatus, { label: string; tone: Tone }> = {
  open: { label: 'Open', tone: 'info' },
  partially_paid: { label: 'Partially paid', tone: 'info' },
  paid: { label: 'Paid', tone: 'good' },
  overdue: { label: 'Overdue', tone: 'bad' },
  disputed: { label: 'Disputed', tone: 'warn' },
  void: { label: 'Void', tone: 'neutral' },
};

/** Badge for a canonical invoice status (unknown statuses show as neutral text). */
export function InvoiceBadge(props: { status: string }) {
  const s = STATUS[props.status as InvoiceStatus] ?? { label: props.status, tone: 'neutral' as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

interface Props { view: AccountView; hint?: string | undefined; locale?: string | undefined }

/** Totals card. */
export function ArSummary(props: Props) {
  return (
    <Section title="Receivables" hint={props.hint} class="cc-ar">
      <SectionBody view={props.view} section="receivables" state={props.view.receivables}>
        {(r: ReceivablesData) => (
        <>
          <dl class="cc-stats">
            <div>
              <dt>Open</dt>
              <dd data-testid="ar-open">{formatMoney(r.openTotal, r.currency, props.locale)}</dd>
            </div>
            <div class={r.overdueTotal > 0 ? 'cc-stat-bad' : ''}>
              <dt>Overdue</dt>
              <dd data-testid="ar-overdue">{formatMoney(r.overdueTotal, r.currency, props.locale)}</dd>
            </div>
            <div class={r.disputedTotal > 0 ? 'cc-stat-warn' : ''}>
              <dt>Disputed</dt>
              <dd data-testid="ar-disputed">{formatMoney(r.disputedTotal, r.currency, props.locale)}</dd>
            </div>
          </dl>
          <p class="cc-muted">
            {r.openInvoiceCount} open {r.openInvoiceCount === 1 ? 'invoice' : 'invoices'}
          </p>
          <FinanceHoldNote view={props.view} locale={props.locale} />
        </>
        )}
      </SectionBody>
    </Section>
  );
}

/** Open invoices table; scrolls inside its own focusable region on narrow screens. */
export function Invoices(props: Props) {
  return (
    <Section title="Open invoices" hint={props.hint} class="cc-invoices">
      <SectionBody view={props.view} section="receivables" state={props.view.receivables}>
        {(r: ReceivablesData) => r.openInvoices.length === 0 ? (
        <p class="cc-muted">No open invoices.</p>
      ) : (
        <div class="cc-table-wrap" tabIndex={0} role="region" aria-label="Open invoices table">
          <table class="cc-table">
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col" class="cc-num">Balance</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {r.openInvoices.map((inv) => (
                <tr key={inv.id}>
                  <th scope="row">
                    {inv.number}
                    {/* Due date under the number keeps the table to three columns at 360 px. */}
                    <span class="cc-sub">Due {formatDate(inv.dueDate, props.locale)}</span>
                  </th>
                  <td class="cc-num">
                    <span class="cc-nowrap">{formatMoney(inv.balance, inv.currency, props.locale)}</span>
                    {inv.balance !== inv.total ? (
                      <span class="cc-sub">of {formatMoney(inv.total, inv.currency, props.locale)}</span>
                    ) : null}
                  </td>
                  <td>
                    <InvoiceBadge status={inv.status} />
                    {inv.daysOverdue > 0 ? <span class="cc-sub">{inv.daysOverdue} days late</span> : null}
                    {inv.disputed && inv.status !== 'disputed' ? <span class="cc-sub">in dispute</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      </SectionBody>
    </Section>
  );
}
