/**
 * The loaded card: actions, finance and renewal holds, risk, receivables, contract, health and onboarding,
 * each with its provenance, then the account's recent changes with their sources. Pure: it renders what it is given and reports clicks through callbacks.
 */
import { Divider, Flex, LoadingButton, Text } from '@hubspot/ui-extensions';
import type { ReactElement } from 'react';
import { sectionData, type AccountView, type Section as SectionState, type SectionKey } from '../lib/account-view.ts';
import { sectionMeta } from '../lib/sections.ts';
import { ArSummary } from './ArSummary.tsx';
import { ContractSection } from './ContractSection.tsx';
import { FinanceHoldAlert, FinanceHoldNote } from './FinanceHold.tsx';
import { HealthSection } from './HealthSection.tsx';
import { InvoicesTable } from './InvoicesTable.tsx';
import { OnboardingSection } from './OnboardingSection.tsx';
import { RenewalHoldAlert } from './RenewalHold.tsx';
import { RecentChanges, type ChangesState } from './RecentChanges.tsx';
import { RiskAlert } from './RiskAlert.tsx';
import { SectionHeader } from './SectionHeader.tsx';
import { SectionBody } from './SectionState.tsx';

/** Props of {@link AccountReviewView}. */
export interface AccountReviewViewProps {
  view: AccountView;
  /** The account's latest changes (read beside the view). */
  changes: ChangesState;
  locale: string;
  refreshing: boolean;
  creatingTask: boolean;
  onRefresh: () => void;
  onCreateTask: () => void;
}

const TITLES: Record<Exclude<SectionKey, 'escalations'>, string> = {
  receivables: 'Receivables',
  contract: 'Contract and renewal',
  health: 'Customer health',
  onboarding: 'Onboarding',
};

/** Renders a titled section in whatever state the view gives it. */
function Section<T>(props: { view: AccountView; id: Exclude<SectionKey, 'escalations'>; data: SectionState<T>; render: (data: T) => ReactElement }) {
  const meta = sectionMeta(props.view, props.id);
  const link = meta.owner ? (props.view.sourceLinks[meta.owner] ?? null) : null;
  return (
    <Flex direction="column" gap="xs">
      <SectionHeader title={TITLES[props.id]} id={props.id} meta={meta} />
      <SectionBody id={props.id} meta={meta} section={props.data} sourceLink={link} render={props.render} />
    </Flex>
  );
}

/** The whole data view of the card. */
export function AccountReviewView({ view, changes, locale, refreshing, creatingTask, onRefresh, onCreateTask }: AccountReviewViewProps) {
  return (
    <Flex direction="column" gap="md">
      <Flex direction="row" justify="between" align="center" wrap>
        <Text format={{ fontWeight: 'bold' }}>{view.account.name}</Text>
        <Flex direction="row" gap="sm">
          <LoadingButton variant="secondary" size="sm" loading={refreshing} onClick={onRefresh} testId="refresh">
            Refresh
          </LoadingButton>
          <LoadingButton variant="primary" size="sm" loading={creatingTask} onClick={onCreateTask} testId="create-task">
            Create follow-up task
          </LoadingButton>
        </Flex>
      </Flex>
      <FinanceHoldAlert hold={view.financeHold} locale={locale} />
      <RenewalHoldAlert hold={view.renewalHold} locale={locale} />
      {view.risk ? <RiskAlert risk={view.risk} escalations={sectionData(view.escalations) ?? []} /> : null}
      <Section
        view={view}
        id="receivables"
        data={view.receivables}
        render={(r) => (
          <>
            <ArSummary receivables={r} locale={locale} />
            <FinanceHoldNote hold={view.financeHold} locale={locale} />
            <InvoicesTable invoices={r.openInvoices} totalCount={r.openInvoiceCount} locale={locale} />
          </>
        )}
      />
      <Divider />
      <Section view={view} id="contract" data={view.contract} render={(c) => <ContractSection contract={c} locale={locale} />} />
      <Divider />
      <Section view={view} id="health" data={view.health} render={(h) => <HealthSection health={h} locale={locale} />} />
      <Divider />
      <Section view={view} id="onboarding" data={view.onboarding} render={(o) => <OnboardingSection onboarding={o} locale={locale} />} />
      <Divider />
      <RecentChanges changes={changes} locale={locale} />
    </Flex>
  );
}
