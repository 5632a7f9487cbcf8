/**
 * The renewal hold of a stalled onboarding (docs/account-view.md, `renewalHold`): an alert next to
 * the finance hold while the renewal automation is held, naming the stalled milestone and since
 * when; nothing when it is not held or the tenant's policy holds no renewals (null).
 */
import { Alert, Text } from '@hubspot/ui-extensions';
import type { RenewalHold } from '../lib/account-view.ts';
import { renewalHoldText } from '../lib/format.ts';

/** Props of {@link RenewalHoldAlert}. */
export interface RenewalHoldProps {
  hold: RenewalHold | null;
  locale: string;
}

/** The alert shown while the renewal automation is on hold; nothing otherwise. */
export function RenewalHoldAlert({ hold, locale }: RenewalHoldProps) {
  if (!hold?.onHold) return null;
  return (
    <Alert title="Renewal on hold" variant="warning" testId="renewal-hold">
      <Text>{renewalHoldText(hold, locale)}</Text>
    </Alert>
  );
}
