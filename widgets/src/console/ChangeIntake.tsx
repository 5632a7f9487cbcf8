/**
 * "Change intake": how NetSuite's and Vitally's changes reach Concord, and Salesforce Accounts'
 * identity changes once its Account poll has run (`GET /ops/intake`). Per
 * source, the newest change Concord recorded (pushed or polled) with the lag between the vendor's
 * stamp and Concord's record, and the change poll's streams: each one's checkpoint (the newest
 * change that poll has seen), how far behind now it lies, its last run, what that run found and
 * why it failed if it did. NetSuite and Vitally are always shown, so a source that sent nothing yet
 * says so instead of disappearing (Salesforce only when the answer lists it: a tenant without it has
 * no Account poll); the accounts still waiting for their change effects are counted.
 */
import { useCallback } from 'preact/hooks';
import { formatInstant, freshnessErrorText, humanize, sentence, systemName } from '../shared/format.js';
import { Badge, Section } from '../shared/ui.js';
import { formatDuration } from './ClosedWonRuns.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import type { IntakeEvent, IntakeSource, IntakeStream } from './types.js';
import { useLoad } from './useLoad.js';

/** The sources shown, in this order, whether the answer lists them or not. */
const SOURCES: IntakeSource[] = ['netsuite', 'vitally'];
/** Sources shown only when the answer lists them. */
const LISTED: IntakeSource[] = ['salesforce'];

/** Record types (NetSuite) and objects (Vitally) of a change, in words. */
const RECORDS: Record<string, string> = {
  invoice: 'Invoice', payment: 'Customer payment', credit_memo: 'Credit memo', sales_order: 'Sales order', contract: 'Contract', customer: 'Customer',
  account: 'Account', task: 'Task', conversation: 'Conversation',
  company: 'Account',
};

/** Poll streams (worker/flows/account-changes/poll.ts), in words. */
const STREAMS: Record<string, string> = {
  invoice: 'Invoices', payment: 'Customer payments', credit_memo: 'Credit memos', sales_order: 'Sales orders', contract: 'Contracts', customer: 'Customers',
  accounts: 'Accounts (health)', tasks: 'Tasks (onboarding milestones)', conversations: 'Conversations (escalations)',
  account: 'Accounts (name, website, address)',
  'account-deleted': 'Accounts deleted or merged (delete log)',
};

/** A lag or an age in words: "0.4 s", "2.1 s", "42 s", "4 min", "1 h 5 min", "3 days". */
export function formatLag(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 10_000) return `${(Math.round(value / 100) / 10).toFixed(1)} s`;
  if (value >= 48 * 3_600_000) {
    const days = Math.floor(value / 86_400_000);
    return `${days} days`;
  }
  return formatDuration(value);
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function LastEvent(props: { source: IntakeSource; event: IntakeEvent | null }) {
  const { event } = props;
  const vendor = systemName(props.source);
  if (!event) return <p class="cc-muted">{`No change recorded from ${vendor} yet.`}</p>;
  return (
    <dl class="cc-facts">
      <dt>Last change</dt>
      <dd>
        {RECORDS[event.objectType] ?? sentence(humanize(event.objectType))} <code>{event.objectId}</code>
        {event.status === 'superseded' ? <span class="cc-sub">Superseded: a newer version of this record had already been applied.</span> : null}
      </dd>
      <dt>{`Changed in ${vendor}`}</dt>
      <dd>{formatInstant(event.changedAt)}</dd>
      <dt>Recorded by Concord</dt>
      <dd>{formatInstant(event.recordedAt)}</dd>
      <dt>Lag</dt>
      <dd>{formatLag(event.lagMs)}</dd>
    </dl>
  );
}

/** `upstream_rate_limited: ...` → "Vitally is rate limiting requests". */
function errorText(source: IntakeSource, error: string): string {
  const code = /^[a-z_]+/.exec(error)?.[0];
  return `${systemName(source)} ${freshnessErrorText(code)}`;
}

function Streams(props: { source: IntakeSource; streams: IntakeStream[] }) {
  const vendor = systemName(props.source);
  if (props.streams.length === 0) {
    return <p class="cc-muted">{`${vendor}'s changes are not polled yet: the change poll runs every minute once ${vendor} is connected.`}</p>;
  }
  return (
    <div class="cc-table-wrap" tabIndex={0} role="region" aria-label={`${vendor} poll streams`}>
      <table class="cc-table cc-streams">
        <caption class="cc-sr-only">{`${vendor} change poll, one row per stream`}</caption>
        <thead>
          <tr>
            <th scope="col">Stream</th>
            <th scope="col">Checkpoint</th>
            <th scope="col">Behind now</th>
            <th scope="col">Last run</th>
            <th scope="col" class="cc-num">Found</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {props.streams.map((s) => (
            <tr key={s.stream} data-stream={s.stream}>
              <th scope="row">
                {STREAMS[s.stream] ?? sentence(humanize(s.stream))}
                <span class="cc-sub"><code>{s.stream}</code></span>
              </th>
              <td>{formatInstant(s.checkpoint)}</td>
              <td>{formatLag(s.behindMs)}</td>
              <td>{formatInstant(s.lastRunAt)}</td>
              <td class="cc-num">{s.lastFound.toLocaleString('en-US')}</td>
              <td>
                {s.lastError ? (
                  <>
                    <Badge tone="bad">Failed</Badge>
                    <span class="cc-sub cc-text-bad">{errorText(props.source, s.lastError)}</span>
                    <span class="cc-sub"><code>{s.lastError}</code></span>
                  </>
                ) : (
                  <span class="cc-muted">None</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The change intake section. */
export function ChangeIntake(props: { service: ConsoleService }) {
  const { service } = props;
  const load = useCallback(() => service.getIntake(), [service]);
  const [state, reload] = useLoad(load);

  return (
    <Section title="Change intake" hint="NetSuite and Vitally changes, pushed and polled" class="cc-intake">
      <div class="cc-actions">
        <button type="button" class="cc-button" onClick={reload}>Refresh</button>
      </div>
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading the change intake…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The change intake" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' ? (
        <>
          <p class="cc-intake-waiting" data-accounts-waiting={state.value.accountsWaiting}>
            {`Accounts waiting for their effects: ${state.value.accountsWaiting.toLocaleString('en-US')}`}
            <span class="cc-sub">
              {state.value.accountsWaiting === 0
                ? 'Every applied change has rebuilt its account view and written its CRM properties.'
                : `${count(state.value.accountsWaiting, 'account has', 'accounts have')} an applied change whose view rebuild and CRM writes are not done yet.`}
            </span>
          </p>
          {[...SOURCES, ...LISTED.filter((l) => state.value.sources.some((s) => s.source === l))].map((source) => {
            const found = state.value.sources.find((s) => s.source === source);
            return (
              <div key={source} class="cc-intake-source" data-intake-source={source}>
                <h3>{systemName(source)}</h3>
                <LastEvent source={source} event={found?.lastEvent ?? null} />
                <Streams source={source} streams={found?.streams ?? []} />
              </div>
            );
          })}
          <p class="cc-sub">A stream's checkpoint is the newest change its poll has seen; the next poll reads from there, with an overlap. A quiet stream's checkpoint stays at its last change; the delete log's moves with the time Salesforce says it covered.</p>
        </>
      ) : null}
    </Section>
  );
}
