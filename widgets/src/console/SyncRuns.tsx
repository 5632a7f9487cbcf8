/**
 * "Sync runs": reconciliation and backfill of the tenant (`/sync/runs`). An admin starts a
 * reconcile (three-way comparison of the linked accounts' CRM, ERP and CS records, repairing what
 * the ownership matrix allows), a dry run of it (reports, changes nothing) or a backfill (links
 * every record and writes Concord's link properties). Each run shows a progress bar with done /
 * total, rate and ETA, its counts by outcome and, for a reconcile, its drift report: what differs
 * (master fields, and the Concord properties on CRM records), which system owns the field or
 * whose truth a Concord property reflects, what was repaired and what is left for a person. While a run is
 * queued or running the list refreshes itself.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatInstant, systemName } from '../shared/format.js';
import { describeError, type WidgetError } from '../shared/result.js';
import { Badge, Section, type Tone } from '../shared/ui.js';
import { formatDuration } from './ClosedWonRuns.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import type { DriftRow, SyncKind, SyncRun, SyncRunDetail, SyncStatus } from './types.js';
import { useLoad } from './useLoad.js';

const STATUS: Record<SyncStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Running', tone: 'info' },
  completed: { label: 'Completed', tone: 'good' },
  failed: { label: 'Failed', tone: 'bad' },
};

/** The run's phases (worker/services/sync-runs), in words. */
const PHASES: Record<string, string> = {
  ingest: 'Reading records from the connected systems',
  'link-crm': 'Linking CRM records',
  'link-erp': 'Linking ERP records',
  'cs-stage': 'Reading the customer-success platform in bulk',
  accounts: 'Comparing and writing accounts',
  'cs-history': 'Reading health score histories and writing what depends on them',
  done: 'Done',
};

/** Counts by outcome, in the order and words the console shows them (one, several). */
const COUNTS: [string, string, string][] = [
  ['ingested', 'record read', 'records read'],
  ['linked', 'linked', 'linked'],
  ['accountsCreated', 'account created', 'accounts created'],
  ['reviews', 'review case', 'review cases'],
  ['csRecords', 'CS record read in bulk', 'CS records read in bulk'],
  ['written', 'CRM record written', 'CRM records written'],
  ['accountsCompleted', 'account completed in the accounts phase', 'accounts completed in the accounts phase'],
  ['historyPending', 'account left for the health-history phase', 'accounts left for the health-history phase'],
  ['historyCompleted', 'account completed from its health history', 'accounts completed from their health history'],
  ['historyWritten', 'CRM record written from health histories', 'CRM records written from health histories'],
  ['drift', 'difference', 'differences'],
  ['repaired', 'repaired', 'repaired'],
  ['wouldRepair', 'would be repaired', 'would be repaired'],
  ['refused', 'refused by the ownership matrix', 'refused by the ownership matrix'],
  ['exceptions', 'for a person', 'for a person'],
  ['failed', 'failed', 'failed'],
  ['calls', 'vendor write call', 'vendor write calls'],
  ['historyCalls', 'vendor write call for health histories', 'vendor write calls for health histories'],
];

const OUTCOME: Record<DriftRow['outcome'], { label: string; tone: Tone }> = {
  repaired: { label: 'Repaired', tone: 'good' },
  would_repair: { label: 'Would repair', tone: 'info' },
  refused: { label: 'Refused', tone: 'warn' },
  failed: { label: 'Repair failed', tone: 'bad' },
  exception: { label: 'For a person', tone: 'warn' },
};

/** The compared fields in words: master fields by canonical field, Concord's facts on CRM records as `facts.<name>`. */
const FIELDS: Record<string, string> = {
  'account.name': 'Name',
  'account.domain': 'Domain',
  'account.billTo': 'Billing country',
  'facts.concordAccountId': 'Concord account id',
  'facts.erpCustomerId': 'ERP customer id',
  'facts.csAccountId': 'CS account id',
  'facts.openAr': 'Open receivables',
  'facts.overdueAr': 'Overdue receivables',
  'facts.oldestOverdueDays': 'Oldest overdue invoice, days',
  'facts.disputedAr': 'Disputed receivables',
  'facts.lastPaymentDate': 'Last payment date',
  'facts.contractEnd': 'Contract end',
  'facts.renewalDate': 'Renewal date',
  'facts.arr': 'ARR',
  'facts.healthScore': 'Health score',
  'facts.healthTrend': 'Health trend',
  'facts.onboardingStage': 'Onboarding stage',
  'facts.renewalRisk': 'Renewal risk',
  'facts.financeHold': 'Finance hold',
};

/** How often the list is read again while a run is queued or running. */
const POLL_MS = 3000;

/** "Reconcile", "Reconcile (dry run)", "Backfill". */
export function syncRunName(run: Pick<SyncRun, 'kind' | 'dryRun'>): string {
  return run.kind === 'backfill' ? 'Backfill' : run.dryRun ? 'Reconcile (dry run)' : 'Reconcile';
}

const number = (n: number) => n.toLocaleString('en-US');

/** "1,240 of 5,530 · 62.4 per second · about 1 min 9 s left". */
export function progressText(run: SyncRun): string {
  const p = run.progress;
  const parts = [p.total > 0 ? `${number(p.done)} of ${number(p.total)}` : `${number(p.done)} done`];
  if (p.ratePerSecond !== null) parts.push(`${p.ratePerSecond} per second`);
  if ((run.status === 'running' || run.status === 'queued') && p.etaSeconds !== null) parts.push(`about ${formatDuration(p.etaSeconds * 1000)} left`);
  return parts.join(' · ');
}

function countsText(run: SyncRun): string {
  const parts = COUNTS.filter(([k]) => typeof run.counts[k] === 'number').map(([k, one, many]) => `${number(run.counts[k]!)} ${run.counts[k] === 1 ? one : many}`);
  return parts.length > 0 ? parts.join(' · ') : 'Nothing counted yet';
}

function who(startedBy: string): string {
  if (startedBy.startsWith('cron:')) return 'the nightly schedule';
  if (startedBy.startsWith('session:')) return 'an admin in this console';
  if (startedBy.startsWith('api_key:')) return `API key ${startedBy.slice('api_key:'.length)}`;
  return startedBy;
}

function timings(run: SyncRun): string {
  const started = `Started ${formatInstant(run.createdAt)} by ${who(run.startedBy)}`;
  if (run.finishedAt) return `${started} · ${run.status === 'failed' ? 'stopped' : 'finished'} after ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.createdAt))}`;
  return `${started} · last step ${formatInstant(run.updatedAt)}`;
}

function DriftReport(props: { run: SyncRunDetail }) {
  const { run } = props;
  if (run.drift.length === 0) {
    return <p class="cc-muted">{run.status === 'completed' ? 'No drift: the linked records agree on every compared field.' : 'No drift found so far.'}</p>;
  }
  return (
    <div class="cc-table-wrap" tabIndex={0} role="region" aria-label={`Drift report of ${syncRunName(run)} ${run.id}`}>
      <table class="cc-table cc-drift">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Record</th>
            <th scope="col">Its value</th>
            <th scope="col">Owner's value</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {run.drift.map((d, i) => {
            const outcome = OUTCOME[d.outcome] ?? { label: d.outcome, tone: 'neutral' as Tone };
            return (
              <tr key={i} data-drift={`${d.system}-${d.externalId}-${d.field}`}>
                <th scope="row">
                  {FIELDS[d.field] ?? d.field}
                  {d.field.startsWith('facts.') ? <span class="cc-sub">Concord property</span> : null}
                </th>
                <td>
                  {systemName(d.system)} <code>{d.externalId}</code>
                  <span class="cc-sub">account <code>{d.accountId}</code></span>
                </td>
                <td><code>{d.value ?? '(empty)'}</code></td>
                <td>
                  <code>{d.ownerValue ?? '(empty)'}</code>
                  <span class="cc-sub">{`${systemName(d.owner)} owns it${d.ownerSystem ? ` (${systemName(d.ownerSystem)})` : ''}`}</span>
                </td>
                <td>
                  <Badge tone={outcome.tone}>{outcome.label}</Badge>
                  <span class="cc-sub">{d.reason}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

type Opened = { id: string } & ({ phase: 'loading' } | { phase: 'ready'; run: SyncRunDetail } | { phase: 'error'; error: WidgetError });

/** The sync runs section. */
export function SyncRuns(props: { service: ConsoleService; pollMs?: number }) {
  const { service } = props;
  const pollMs = props.pollMs ?? POLL_MS;
  const load = useCallback(() => service.listSyncRuns(), [service]);
  const [state, reload, set] = useLoad(load);
  const [starting, setStarting] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const [opened, setOpened] = useState<Opened | null>(null);

  const active = state.phase === 'ready' && state.value.some((r) => r.status === 'queued' || r.status === 'running');
  useEffect(() => {
    if (!active) return;
    let live = true;
    const timer = setTimeout(() => {
      void service.listSyncRuns().then((r) => {
        if (live && r.ok) set(r.value);
      });
    }, pollMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [active, state, service, set, pollMs]);

  const fetchDrift = async (id: string) => {
    setOpened({ id, phase: 'loading' });
    const r = await service.getSyncRun(id);
    // A report the admin closed or replaced by another while it loaded is dropped.
    setOpened((o) => (o?.id !== id ? o : r.ok ? { id, phase: 'ready', run: r.value } : { id, phase: 'error', error: r.error }));
  };
  const toggle = (id: string) => {
    if (opened?.id === id) setOpened(null);
    else void fetchDrift(id);
  };

  const start = async (kind: SyncKind, dryRun: boolean) => {
    const what = syncRunName({ kind, dryRun });
    setStarting(what);
    setMessage(null);
    const r = await service.startSyncRun(kind, dryRun);
    setStarting(null);
    if (r.ok) {
      setMessage({ text: `${what} started: run ${r.value.id}. Its progress shows below.`, failed: false });
      reload();
    } else {
      setMessage({ text: `${what} was not started: ${describeError(r.error)}`, failed: true });
    }
  };

  return (
    <Section title="Sync runs" hint="Reconcile compares the CRM, ERP and CS records of linked accounts; backfill links every record" class="cc-sync">
      <div class="cc-actions">
        <button type="button" class="cc-button" disabled={starting !== null} onClick={() => void start('reconcile', false)}>Reconcile now</button>
        <button type="button" class="cc-button" disabled={starting !== null} onClick={() => void start('reconcile', true)}>Dry run (changes nothing)</button>
        <button type="button" class="cc-button" disabled={starting !== null} onClick={() => void start('backfill', false)}>Backfill</button>
        <button type="button" class="cc-button" onClick={reload}>Refresh</button>
      </div>
      {message ? (
        <p role={message.failed ? 'alert' : 'status'} class={message.failed ? 'cc-field-error' : 'cc-status-line'}>{message.text}</p>
      ) : null}
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading sync runs…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The sync run list" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' && state.value.length === 0 ? (
        <p class="cc-muted">No sync has run yet. The nightly reconcile starts at 03:00 UTC; start one now with the buttons above.</p>
      ) : null}
      {state.phase === 'ready' && state.value.length > 0 ? (
        <ul class="cc-list">
          {state.value.map((run) => {
            const status = STATUS[run.status];
            const name = syncRunName(run);
            const isOpen = opened?.id === run.id;
            return (
              <li key={run.id} class="cc-sync-item" data-sync-run={run.id}>
                <div class="cc-sync-main">
                  <span class="cc-item-title">{name}</span> <Badge tone={status.tone}>{status.label}</Badge>
                  <div class="cc-progress-row">
                    <progress max={100} value={run.progress.percent} aria-label={`${name} progress`} />
                    <span>{`${run.progress.percent} %`}</span>
                  </div>
                  <span class="cc-sub">{`${PHASES[run.progress.phase] ?? run.progress.phase} · ${progressText(run)}`}</span>
                  <span class="cc-sub">{countsText(run)}</span>
                  {run.error ? <span class="cc-sub cc-text-bad">Stopped: <code>{run.error}</code></span> : null}
                  <span class="cc-sub">{timings(run)}</span>
                  <span class="cc-sub">Run <code>{run.id}</code> · correlation id <code>{run.correlationId}</code></span>
                  {isOpen && opened.phase === 'loading' ? <p role="status" class="cc-muted">Loading the drift report…</p> : null}
                  {isOpen && opened.phase === 'error' ? <LoadFailure what="The drift report" error={opened.error} onRetry={() => void fetchDrift(run.id)} /> : null}
                  {isOpen && opened.phase === 'ready' ? <DriftReport run={opened.run} /> : null}
                </div>
                {run.kind === 'reconcile' ? (
                  <div class="cc-actions">
                    <button type="button" class="cc-button" aria-expanded={isOpen} aria-label={`${isOpen ? 'Hide' : 'Show'} the drift report of ${name} started ${formatInstant(run.createdAt)}`} onClick={() => toggle(run.id)}>
                      {isOpen ? 'Hide drift report' : 'Drift report'}
                    </button>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </Section>
  );
}
