/** The current contract and how soon it renews. */
import { Alert, DescriptionList, DescriptionListItem, Tag, Text } from '@hubspot/ui-extensions';
import type { Contract } from '../lib/account-view.ts';
import { formatDate, formatMoney, humanize } from '../lib/format.ts';

/** Renewals closer than this many days get a visible warning (the CS playbook's renewal window). */
export const RENEWAL_WARNING_DAYS = 90;
/** Inside this many days the warning turns red. */
export const RENEWAL_URGENT_DAYS = 30;

/** Props of {@link ContractSection}. */
export interface ContractSectionProps {
  contract: Contract;
  locale: string;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A renewal countdown tag, or null when renewal is far away or unknown. */
export function RenewalTag({ days }: { days: number | null | undefined }) {
  if (days === null || days === undefined || days >= RENEWAL_WARNING_DAYS) return null;
  if (days < 0) {
    return <Tag variant="error" testId="renewal-tag">{`Renewal overdue by ${plural(-days, 'day')}`}</Tag>;
  }
  const text = days === 0 ? 'Renews today' : `Renews in ${plural(days, 'day')}`;
  return <Tag variant={days < RENEWAL_URGENT_DAYS ? 'error' : 'warning'} testId="renewal-tag">{text}</Tag>;
}

/** Contract facts as a description list, the renewal tag, and an alert when it will not auto-renew. */
export function ContractSection({ contract, locale }: ContractSectionProps) {
  const days = contract.daysToRenewal;
  const soon = days !== null && days !== undefined && days < RENEWAL_WARNING_DAYS;
  const term = `${formatDate(contract.startDate, locale)} – ${formatDate(contract.endDate, locale)}`;
  return (
    <>
      <RenewalTag days={days} />
      <DescriptionList direction="row">
        <DescriptionListItem label="Contract">
          <Text>{contract.name}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Status">
          <Text>{humanize(contract.status)}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Term">
          <Text>{term}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Renewal date">
          <Text>{formatDate(contract.renewalDate, locale)}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="ARR">
          <Text>{contract.arr === null || contract.arr === undefined ? '—' : formatMoney(contract.arr, contract.currency, locale)}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Auto-renew">
          <Text>{contract.autoRenew === true ? 'Yes' : contract.autoRenew === false ? 'No' : '—'}</Text>
        </DescriptionListItem>
      </DescriptionList>
      {soon && contract.autoRenew === false ? (
        <Alert title="Renewal needs a decision" variant="warning">
          This contract does not renew automatically. Agree the renewal with the customer before the end date.
        </Alert>
      ) : null}
    </>
  );
}
