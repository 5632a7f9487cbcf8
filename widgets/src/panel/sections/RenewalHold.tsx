/**
 * The renewal hold of a stalled onboarding (docs/account-view.md, `renewalHold`): a status box
 * beside the finance hold while the renewal automation is held, naming the stalled milestone and
 * since when; nothing when it is not held, when the tenant's policy holds no renewals (null) or
 * for a view built before the field existed. The box says it in words; its amber tint only
 * repeats them.
 */
import { formatDate } from '../../shared/format.js';
import type { AccountView } from '../types.js';

type Hold = NonNullable<AccountView['renewalHold']>;

const HOW: Record<string, string> = { blocked: 'blocked', past_due: 'past due', no_progress: 'no progress' };

/** The renewal hold in a sentence a CSM reads; empty when not on hold. */
export function renewalHoldText(hold: Hold, locale?: string): string {
  if (!hold.onHold) return '';
  const how = hold.reason ? ` (${HOW[hold.reason] ?? hold.reason.replace(/_/g, ' ')})` : '';
  const since = hold.since ? ` since ${formatDate(hold.since, locale)}` : '';
  return `Renewal on hold: onboarding stalled at ${hold.milestone ?? 'a milestone'}${how}${since}. Renewal automation waits until onboarding moves again.`;
}

/** The status box shown while the renewal automation is on hold; nothing otherwise. */
export function RenewalHoldAlert(props: { view: AccountView; locale?: string | undefined }) {
  const hold = props.view.renewalHold;
  if (!hold?.onHold) return null;
  return (
    <div class="cc-hold cc-hold-renewal" role="status" data-testid="renewal-hold">
      <p class="cc-hold-title">Renewal on hold</p>
      <p>{renewalHoldText(hold, props.locale)}</p>
    </div>
  );
}
