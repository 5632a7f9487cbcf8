/**
 * "Closed-won orders": the tenant's closed-won runs (a won deal on its way to an ERP customer,
 * sales order and CS account), newest first, each with its status, deal, current step, business
 * exceptions with their recommended actions (or the failed step's reason), order number and
 * timings, and Retry for a blocked or failed run (`POST /flows/runs/:id/retry`).
 */
import { useCallback, useState } from 'preact/hooks';
import { formatInstant, systemName } from '../shared/format.js';
import { describeError } from '../shared/result.js';
import { Badge, Section, type Tone } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import type { FlowRun, RunException, RunStatus } from './types.js';
import { useLoad } from './useLoad.js';

const STATUS: Record<RunStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Creating', tone: 'info' },
  blocked: { label: 'Blocked', tone: 'warn' },
  failed: { label: 'Failed', tone: 'bad' },
  completed: { label: 'Created', tone: 'good' },
};

/** The flow's steps (worker/flows/closed-won/workflow.ts), in words. */
const STEPS: Record<string, string> = {
  load: 'Reading the deal from the CRM',
  validate: 'Validating the order data',
  'resolve-customer': 'Finding or creating the ERP customer',
  'create-sales-order': 'Creating the sales order',
  'write-back-order': 'Writing the order back to the CRM',
  'provision-cs': 'Setting up the customer-success account',
  'write-back-cs': 'Writing the customer-success link back to the CRM',
  'write-back': 'Writing the order back to the CRM',
};

const FIX_IN: Record<string, string> = { crm: 'the CRM', erp: 'the ERP', concord: 'Concord' };

const FILTERS: { value: '' | RunStatus; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'blocked', label: 'Blocked' },
  { value: 'failed', label: 'Failed' },
  { value: 'running', label: 'Creating' },
  { value: 'queued', label: 'Queued' },
  { value: 'completed', label: 'Created' },
];

/** "HubSpot deal 5000101", "Salesforce Opportunity 006…". */
export function dealName(run: Pick<FlowRun, 'sourceSystem' | 'sourceRecord'>): string {
  return `${systemName(run.sourceSystem)} ${run.sourceSystem === 'salesforce' ? 'Opportunity' : 'deal'} ${run.sourceRecord}`;
}

/** A duration in words: "4 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

function timings(run: FlowRun): string {
  const started = `Started ${formatInstant(run.createdAt)}`;
  if (run.completedAt) return `${started} · created in ${formatDuration(Date.parse(run.completedAt) - Date.parse(run.createdAt))}`;
  if (run.status === 'blocked' || run.status === 'failed') return `${started} · ${run.status} since ${formatInstant(run.updatedAt)}`;
  return `${started} · last step ${formatInstant(run.updatedAt)}`;
}

function Exception(props: { e: RunException }) {
  const { e } = props;
  if (e.code === 'step_failed') {
    return (
      <li class="cc-text-bad">
        {`${STEPS[e.step ?? ''] ?? e.step ?? 'A step'} failed after its retries: `}
        <code>{e.reason ?? 'no reason recorded'}</code>
      </li>
    );
  }
  return (
    <li>
      <span class="cc-item-title">{e.message ?? e.code}</span>{' '}
      {e.field ? <code>{e.field}</code> : null}
      <span class="cc-sub">{`Fix in ${FIX_IN[e.fixIn ?? ''] ?? e.fixIn ?? 'the source system'}: ${e.action ?? 'no action given'}`}</span>
      {e.owner ? <span class="cc-sub">{`Owner: ${[e.owner.name, e.owner.email ? `<${e.owner.email}>` : null].filter(Boolean).join(' ')}`}</span> : null}
    </li>
  );
}

type RetryState = 'pending' | { failed: string };

/** The closed-won orders section. */
export function ClosedWonRuns(props: { service: ConsoleService }) {
  const { service } = props;
  const [filter, setFilter] = useState<'' | RunStatus>('');
  const load = useCallback(() => service.listRuns(filter || undefined), [service, filter]);
  const [state, reload] = useLoad(load);
  const [retries, setRetries] = useState<Record<string, RetryState>>({});
  const [message, setMessage] = useState('');

  const retry = async (run: FlowRun) => {
    setRetries((s) => ({ ...s, [run.id]: 'pending' }));
    setMessage('');
    const r = await service.retryRun(run.id);
    setRetries(({ [run.id]: _done, ...rest }) => (r.ok ? rest : { ...rest, [run.id]: { failed: describeError(r.error) } }));
    if (r.ok) {
      setMessage(`Retry sent for ${dealName(run)}: Concord is checking it again.`);
      reload();
    }
  };

  return (
    <Section title="Closed-won orders" hint="Won deals on their way to an ERP customer, sales order and customer-success account" class="cc-runs">
      <div class="cc-actions">
        <label>
          Show{' '}
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as '' | RunStatus)}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>{f.label}</option>
            ))}
          </select>
        </label>
        <button type="button" class="cc-button" onClick={reload}>Refresh</button>
      </div>
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading closed-won orders…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The closed-won order list" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' && state.value.length === 0 ? (
        <p class="cc-muted">{filter ? 'No closed-won order in this state.' : 'No deal has been closed won since Concord was connected.'}</p>
      ) : null}
      {state.phase === 'ready' && state.value.length > 0 ? (
        <ul class="cc-list">
          {state.value.map((run) => {
            const status = STATUS[run.status];
            const rs = retries[run.id];
            const retryable = run.status === 'blocked' || run.status === 'failed';
            return (
              <li key={run.id} class="cc-run-item" data-run={run.id}>
                <div>
                  <span class="cc-item-title">{dealName(run)}</span> <Badge tone={status.tone}>{status.label}</Badge>
                  {run.result?.orderNumber ? <span class="cc-sub">{`Sales order ${run.result.orderNumber}`}</span> : null}
                  {run.step ? <span class="cc-sub">{`Step: ${STEPS[run.step] ?? run.step}`}</span> : null}
                  <span class="cc-sub">{timings(run)}</span>
                  {run.exceptions && run.exceptions.length > 0 ? (
                    <ul class="cc-reasons" aria-label={`Why ${dealName(run)} is ${run.status}`}>
                      {run.exceptions.map((e, i) => <Exception key={i} e={e} />)}
                    </ul>
                  ) : null}
                  <span class="cc-sub">Run <code>{run.id}</code> · correlation id <code>{run.correlationId}</code></span>
                </div>
                <div class="cc-actions">
                  {retryable ? (
                    <button type="button" class="cc-button" disabled={rs === 'pending'} onClick={() => void retry(run)} aria-label={`Retry ${dealName(run)}`}>
                      {rs === 'pending' ? 'Retrying…' : 'Retry'}
                    </button>
                  ) : null}
                  {typeof rs === 'object' ? <span class="cc-field-error" role="alert">Retry failed: {rs.failed}</span> : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      <p role="status" class="cc-status-line">{message}</p>
    </Section>
  );
}
