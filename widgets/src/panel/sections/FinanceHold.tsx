/**
 * The finance hold on expansion quoting (docs/account-view.md, `financeHold`): a status box above
 * the sections while the account is on hold, a quiet line in the receivables when it is not,
 * nothing when the view has no receivables to judge (null). The box says it in words; its red
 * border and tint only repeat them.
 */
import { formatMoney } from '../../shared/format.js';
import type { AccountView } from '../types.js';

type Hold = NonNullable<AccountView['financeHold']>;

/** The finance hold in a sentence, money formatted as everywhere else in the panel. */
export function financeHoldText(hold: Hold, locale?: string): string {
  const aged = `overdue more than ${hold.overdueDays} days`;
  if (hold.onHold) return `Finance hold: ${formatMoney(hold.amount, hold.currency, locale)} ${aged}. Expansion quotes wait until it is paid.`;
  if (hold.amount === 0) return `No finance hold: nothing ${aged}.`;
  return `No finance hold: ${formatMoney(hold.amount, hold.currency, locale)} ${aged}, under the ${formatMoney(hold.minAmount, hold.currency, locale)} threshold.`;
}

/** The status box shown while expansion quoting is on hold; nothing otherwise. */
export function FinanceHoldAlert(props: { view: AccountView; locale?: string | undefined }) {
  const hold = props.view.financeHold;
  if (!hold?.onHold) return null;
  return (
    <div class="cc-hold" role="status" data-testid="finance-hold">
      <p class="cc-hold-title">Expansion quoting on hold</p>
      <p>{financeHoldText(hold, props.locale)}</p>
    </div>
  );
}

/** The quiet line in the receivables when there is no hold; nothing when on hold (the box says it) or unknown. */
export function FinanceHoldNote(props: { view: AccountView; locale?: string | undefined }) {
  const hold = props.view.financeHold;
  if (!hold || hold.onHold) return null;
  return <p class="cc-muted" data-testid="finance-hold-clear">{financeHoldText(hold, props.locale)}</p>;
}
