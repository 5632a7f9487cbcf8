/** Onboarding milestones as a step indicator, the current step being the first one not completed. */
import { StepIndicator, Text } from '@hubspot/ui-extensions';
import type { Onboarding } from '../lib/account-view.ts';
import { formatDate, humanize } from '../lib/format.ts';

/** Props of {@link OnboardingSection}. */
export interface OnboardingSectionProps {
  onboarding: Onboarding;
  locale: string;
}

/** Index of the first milestone that is not completed; the length when all are. */
export function currentMilestoneIndex(onboarding: Onboarding): number {
  const i = onboarding.milestones.findIndex((m) => m.status !== 'completed');
  return i === -1 ? onboarding.milestones.length : i;
}

/** Step indicator plus a one-line summary of where onboarding stands. */
export function OnboardingSection({ onboarding, locale }: OnboardingSectionProps) {
  const { milestones } = onboarding;
  if (milestones.length === 0) return <Text>{`Onboarding ${humanize(onboarding.status).toLowerCase()}, no milestones yet.`}</Text>;
  const current = currentMilestoneIndex(onboarding);
  const next = milestones[current];
  const summary = next
    ? `Next: ${next.name}${next.dueDate ? `, due ${formatDate(next.dueDate, locale)}` : ''}`
    : 'All milestones completed';
  return (
    <>
      <StepIndicator stepNames={milestones.map((m) => m.name)} currentStep={current} testId="onboarding-steps" />
      <Text variant="microcopy" testId="onboarding-summary">
        {`${humanize(onboarding.status)} · ${summary}`}
      </Text>
    </>
  );
}
