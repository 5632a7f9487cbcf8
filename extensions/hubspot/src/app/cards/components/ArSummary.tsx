/** Accounts-receivable headline figures: open, overdue and disputed, in the account currency. */
import { Statistics, StatisticsItem, Text } from '@hubspot/ui-extensions';
import type { Receivables } from '../lib/account-view.ts';
import { formatMoney } from '../lib/format.ts';

/** Props of {@link ArSummary}. */
export interface ArSummaryProps {
  receivables: Receivables;
  locale: string;
}

/** Three statistics plus the open-invoice count. */
export function ArSummary({ receivables, locale }: ArSummaryProps) {
  const { currency } = receivables;
  const count = receivables.openInvoiceCount;
  return (
    <>
      <Statistics>
        <StatisticsItem id="ar-open" label="Open" number={formatMoney(receivables.openTotal, currency, locale)} />
        <StatisticsItem id="ar-overdue" label="Overdue" number={formatMoney(receivables.overdueTotal, currency, locale)} />
        <StatisticsItem id="ar-disputed" label="Disputed" number={formatMoney(receivables.disputedTotal, currency, locale)} />
      </Statistics>
      <Text variant="microcopy">{count === 1 ? '1 open invoice' : `${count} open invoices`}</Text>
    </>
  );
}
