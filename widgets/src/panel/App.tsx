/**
 * The CSM account-review panel: loads the account view and the audit trail through the injected
 * service and renders loading / not-linked / error-with-retry / ready states.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { sentence, systemName } from '../shared/format.js';
import { describeError, type WidgetError } from '../shared/result.js';
import { Badge } from '../shared/ui.js';
import type { PanelDataService } from './service.js';
import { Escalations } from './sections/Escalations.js';
import { FinanceHoldAlert } from './sections/FinanceHold.js';
import { RenewalHoldAlert } from './sections/RenewalHold.js';
import { Freshness } from './sections/Freshness.js';
import { Health } from './sections/Health.js';
import { Onboarding } from './sections/Onboarding.js';
import { ArSummary, Invoices } from './sections/Receivables.js';
import { RecentChanges, type AuditState } from './sections/RecentChanges.js';
import { Renewal } from './sections/Renewal.js';
import { Risk } from './sections/Risk.js';
import type { AccountView, Owners } from './types.js';

/** Props of the panel root. */
export interface PanelProps {
  service: PanelDataService;
  /** BCP 47 locale for numbers and dates; the browser's by default. */
  locale?: string | undefined;
  /** Clock, injectable for tests. */
  now?: () => number;
}

type ViewState =
  | { phase: 'loading' }
  | { phase: 'ready'; view: AccountView; loadedAt: number; refreshing?: boolean }
  | { phase: 'not_linked' }
  | { phase: 'error'; error: WidgetError };

/** Root component of the panel. */
export function Panel(props: PanelProps) {
  const { service } = props;
  const now = props.now ?? Date.now;
  const [state, setState] = useState<ViewState>({ phase: 'loading' });
  const [audit, setAudit] = useState<AuditState>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    // On Refresh keep the current figures on screen (no flicker, focus stays on the button).
    setState((s) => (s.phase === 'ready' ? { ...s, refreshing: true } : { phase: 'loading' }));
    setAudit((a) => (a.phase === 'ready' ? a : { phase: 'loading' }));
    void service.loadView(ctrl.signal).then((r) => {
      if (ctrl.signal.aborted) return;
      if (r.ok) setState({ phase: 'ready', view: r.value, loadedAt: now() });
      else if (r.error.kind === 'not_found') setState({ phase: 'not_linked' });
      else setState({ phase: 'error', error: r.error });
    });
    // The audit trail is secondary: its failure shows inside its own section only.
    void service.loadAudit(ctrl.signal).then((r) => {
      if (ctrl.signal.aborted) return;
      setAudit(r.ok ? { phase: 'ready', items: r.value } : { phase: 'error', error: r.error });
    });
    return () => ctrl.abort();
  }, [service, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  switch (state.phase) {
    case 'loading':
      return (
        <div class="cc-panel cc-state" aria-busy="true">
          <p role="status" class="cc-loading">
            <span class="cc-spinner" aria-hidden="true" /> Loading account…
          </p>
        </div>
      );
    case 'not_linked':
      return (
        <div class="cc-panel cc-state">
          <div class="cc-empty" role="status">
            <h2>This account is not linked yet</h2>
            <p>
              Concord has no NetSuite or Vitally record for this account, so there are no invoices, contract or health
              data to show. Records are linked when an admin runs Concord's identity sync, which matches them by tax id,
              domain and name; check again after it has run.
            </p>
            <button type="button" class="cc-button" onClick={retry}>Check again</button>
          </div>
        </div>
      );
    case 'error':
      return (
        <div class="cc-panel cc-state">
          <div class="cc-error" role="alert">
            <h2>Account data could not be loaded</h2>
            <p>{describeError(state.error)}</p>
            <button type="button" class="cc-button" onClick={retry}>Retry</button>
          </div>
        </div>
      );
    case 'ready':
      return <Ready view={state.view} audit={audit} now={state.loadedAt} refreshing={state.refreshing === true} onRefresh={retry} locale={props.locale} />;
  }
}

function Ready(props: {
  view: AccountView; audit: AuditState; now: number; refreshing: boolean; onRefresh: () => void; locale?: string | undefined;
}) {
  const { view, locale } = props;
  const owner = (section: keyof Owners) => view.owners[section] ?? undefined;
  const hint = (section: keyof Owners) => {
    const o = owner(section);
    return o ? `Source of record: ${systemName(o)}` : undefined;
  };
  const today = new Date(props.now).toISOString().slice(0, 10);
  return (
    <article class="cc-panel" aria-label={`Account review: ${view.account.name}`} aria-busy={props.refreshing}>
      <header class="cc-header">
        <div class="cc-title">
          <h1>{view.account.name}</h1>
          {view.risk ? (
            <Badge tone={view.risk.level === 'high' ? 'bad' : view.risk.level === 'medium' ? 'warn' : 'good'}>
              {sentence(view.risk.level)} risk
            </Badge>
          ) : null}
          <button type="button" class="cc-button cc-button-quiet" onClick={props.onRefresh}>
            {props.refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
        {view.account.domain || view.account.legalName ? (
          <p class="cc-muted">{[view.account.legalName, view.account.domain].filter(Boolean).join(' · ')}</p>
        ) : null}
        <Freshness freshness={view.freshness} now={props.now} />
      </header>
      <FinanceHoldAlert view={view} locale={locale} />
      <RenewalHoldAlert view={view} locale={locale} />
      <div class="cc-grid">
        <Renewal view={view} hint={hint('contract')} locale={locale} />
        <ArSummary view={view} hint={hint('receivables')} locale={locale} />
        <Health view={view} hint={hint('health')} locale={locale} />
        <Risk view={view} />
        <Invoices view={view} hint={hint('receivables')} locale={locale} />
        <Onboarding view={view} today={today} hint={hint('onboarding')} locale={locale} />
        <Escalations view={view} hint={hint('escalations')} locale={locale} />
        <RecentChanges state={props.audit} locale={locale} />
      </div>
    </article>
  );
}
