/** The account's risk level with its reasons, and any open escalations. */
import { Alert, Text } from '@hubspot/ui-extensions';
import type { Escalation, Risk } from '../lib/account-view.ts';
import { humanize, riskReasonLabel } from '../lib/format.ts';

/** Props of {@link RiskAlert}. */
export interface RiskAlertProps {
  risk: Risk;
  escalations: Escalation[];
}

const VARIANT = { high: 'danger', medium: 'warning', low: 'success' } as const;
const TITLE = { high: 'High renewal risk', medium: 'Medium renewal risk', low: 'Low risk' } as const;

/** One alert: colour by level, reasons as a sentence, open escalations listed below. */
export function RiskAlert({ risk, escalations }: RiskAlertProps) {
  const open = escalations.filter((e) => e.status !== 'closed' && e.status !== 'resolved');
  const reasons = risk.reasons.map(riskReasonLabel).join(' · ');
  return (
    <Alert title={TITLE[risk.level]} variant={VARIANT[risk.level]} testId="risk-alert">
      <Text>{reasons || (risk.level === 'low' ? 'Nothing needs attention.' : 'No reasons given.')}</Text>
      {open.map((e) => (
        <Text key={e.id} variant="microcopy">
          {`Escalation: ${e.subject}${e.priority ? ` (${humanize(e.priority).toLowerCase()} priority)` : ''}`}
        </Text>
      ))}
    </Alert>
  );
}
