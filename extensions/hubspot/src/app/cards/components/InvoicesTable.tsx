/** Open invoices with due date, remaining balance and a status tag. */
import { StatusTag, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text } from '@hubspot/ui-extensions';
import type { Invoice } from '../lib/account-view.ts';
import { INVOICE_STATUS_LABEL, INVOICE_STATUS_VARIANT, formatDate, formatMoney } from '../lib/format.ts';

/** At most this many rows; a card tab is not the place for a full ledger. */
export const MAX_INVOICE_ROWS = 10;

/** Props of {@link InvoicesTable}. */
export interface InvoicesTableProps {
  invoices: Invoice[];
  /** Total number of open invoices (may exceed `invoices.length` when the broker truncates). */
  totalCount: number;
  locale: string;
}

function statusText(invoice: Invoice): string {
  const label = INVOICE_STATUS_LABEL[invoice.status];
  return invoice.status === 'overdue' && invoice.daysOverdue ? `${label} · ${invoice.daysOverdue} d` : label;
}

/** A compact table; says so when rows were left out. */
export function InvoicesTable({ invoices, totalCount, locale }: InvoicesTableProps) {
  if (invoices.length === 0) return <Text>No open invoices.</Text>;
  const rows = invoices.slice(0, MAX_INVOICE_ROWS);
  return (
    <>
      <Table bordered density="condensed" testId="invoices">
        <TableHead>
          <TableRow>
            <TableHeader>Invoice</TableHeader>
            <TableHeader>Due</TableHeader>
            <TableHeader align="right">Balance</TableHeader>
            <TableHeader>Status</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((invoice) => (
            <TableRow key={invoice.id}>
              <TableCell>{invoice.number}</TableCell>
              <TableCell>{formatDate(invoice.dueDate, locale)}</TableCell>
              <TableCell align="right">{formatMoney(invoice.balance, invoice.currency, locale)}</TableCell>
              <TableCell>
                <StatusTag variant={INVOICE_STATUS_VARIANT[invoice.status]}>{statusText(invoice)}</StatusTag>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {totalCount > rows.length ? (
        <Text variant="microcopy">{`Showing ${rows.length} of ${totalCount} open invoices.`}</Text>
      ) : null}
    </>
  );
}
