/**
 * The finance hold on expansion quoting (docs/account-view.md, `financeHold`): an alert while the
 * account is on hold, a quiet line in the receivables when it is not, nothing when the broker has
 * no receivables to judge (null). The alert's title says it in words, not only in red.
 */
import { Alert, Text } from '@hubspot/ui-extensions';
import type { FinanceHold } from '../lib/account-view.ts';
import { financeHoldText } from '../lib/format.ts';

/** Props of {@link FinanceHoldAlert} and {@link FinanceHoldNote}. */
export interface FinanceHoldProps {
  hold: FinanceHold | null;
  locale: string;
}

/** The alert shown while expansion quoting is on hold; nothing otherwise. */
export function FinanceHoldAlert({ hold, locale }: FinanceHoldProps) {
  if (!hold?.onHold) return null;
  return (
    <Alert title="Expansion quoting on hold" variant="danger" testId="finance-hold">
      <Text>{financeHoldText(hold, locale)}</Text>
    </Alert>
  );
}

/** The quiet line under the receivables when there is no hold; nothing when on hold (the alert says it) or unknown. */
export function FinanceHoldNote({ hold, locale }: FinanceHoldProps) {
  if (!hold || hold.onHold) return null;
  return (
    <Text variant="microcopy" testId="finance-hold-clear">
      {financeHoldText(hold, locale)}
    </Text>
  );
}
