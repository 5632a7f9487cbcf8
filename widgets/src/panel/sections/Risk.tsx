/** Renewal risk level with its reasons in plain words. */
import { humanize, sentence } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import type { AccountView, RiskReason } from '../types.js';

/** Every canonical reason code (worker/model/renewal-risk.ts) in words; the Record type makes it exhaustive. */
const REASONS: Record<RiskReason, string> = {
  overdue_receivables: 'Invoices are past due',
  disputed_invoices: 'An invoice is in dispute',
  health_low: 'Health score is low',
  health_declining: 'Health score is falling',
  open_escalations: 'There are open escalations',
  renewal_within_90_days: 'Renewal is less than 90 days away',
  no_auto_renew: 'Contract does not renew automatically',
  contract_lapsed: 'Contract has lapsed',
};

/** A reason code in plain words; a code newer than this bundle is humanised rather than hidden. */
export function riskReasonText(code: string): string {
  return REASONS[code as RiskReason] ?? sentence(humanize(code));
}

const LEVEL: Record<string, { label: string; tone: Tone }> = {
  high: { label: 'High risk', tone: 'bad' },
  medium: { label: 'Medium risk', tone: 'warn' },
  low: { label: 'Low risk', tone: 'good' },
};

const SECTIONS = ['receivables', 'contract', 'health', 'onboarding', 'escalations'] as const;

/** Why there is no risk level: a failed source, or no section with data to assess. */
function noRiskText(view: AccountView): string {
  return SECTIONS.some((s) => view[s].state === 'unavailable')
    ? 'Risk could not be assessed because a source is unavailable.'
    : 'Risk could not be assessed: no source has data for this account yet.';
}

/** Risk card; `risk` is null when no section had data to assess it from. */
export function Risk(props: { view: AccountView }) {
  const r = props.view.risk;
  const level = r ? (LEVEL[r.level] ?? { label: r.level, tone: 'neutral' as const }) : null;
  return (
    <Section title="Risk" class="cc-risk">
      {r === null || level === null ? (
        <p class="cc-unavailable">{noRiskText(props.view)}</p>
      ) : (
        <>
          <p>
            <Badge tone={level.tone}>{level.label}</Badge>
          </p>
          {r.reasons.length === 0 ? (
            <p class="cc-muted">No risk signals.</p>
          ) : (
            <ul class="cc-reasons" aria-label="Why">
              {r.reasons.map((code) => (
                <li key={code}>{riskReasonText(code)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}
