/** Renewal countdown: days to the renewal date, the contract and its ARR. */
import { formatDate, formatMoney, humanize } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import type { AccountView, Contract } from '../types.js';
import { SectionBody } from './SectionState.js';

/** Urgency bands CSMs use: under 30 days act now, under 90 days plan the renewal. */
function urgency(days: number): Tone {
  if (days <= 30) return 'bad';
  if (days <= 90) return 'warn';
  return 'good';
}

/** Countdown card, in the state the view gives the contract section. */
export function Renewal(props: { view: AccountView; hint?: string | undefined; locale?: string | undefined }) {
  return (
    <Section title="Renewal" hint={props.hint} class="cc-renewal">
      <SectionBody view={props.view} section="contract" state={props.view.contract}>
        {(c: Contract) => (
        <>
          <p class="cc-countdown" data-testid="renewal-countdown">
            {c.daysToRenewal >= 0 ? (
              <>
                <span class="cc-big">{c.daysToRenewal}</span> {c.daysToRenewal === 1 ? 'day' : 'days'} to renewal
              </>
            ) : (
              <>Renewal date passed {-c.daysToRenewal} days ago</>
            )}
          </p>
          <p>
            <Badge tone={urgency(c.daysToRenewal)}>Renews {formatDate(c.renewalDate, props.locale)}</Badge>{' '}
            <Badge tone={c.autoRenew ? 'info' : 'warn'}>{c.autoRenew ? 'Auto-renews' : 'Manual renewal'}</Badge>
          </p>
          <dl class="cc-facts">
            <dt>Contract</dt>
            <dd>{c.name}</dd>
            <dt>ARR</dt>
            <dd>{formatMoney(c.arr, c.currency, props.locale)}</dd>
            <dt>Term</dt>
            <dd>
              {formatDate(c.startDate, props.locale)} – {formatDate(c.endDate, props.locale)} ({humanize(c.status)})
            </dd>
          </dl>
        </>
        )}
      </SectionBody>
    </Section>
  );
}
