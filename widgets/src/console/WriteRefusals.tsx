/**
 * "Write refusals": what the ownership guard kept from a vendor, newest first. Every vendor write
 * passes one guard that checks the tenant's ownership matrix field by field; a field the target
 * system does not accept from that source is refused and recorded (`GET /write-refusals`): the
 * field, its owner, the value that was attempted, the flow and when.
 */
import { useCallback } from 'preact/hooks';
import { formatInstant, systemName } from '../shared/format.js';
import { Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import type { WriteRefusal } from './types.js';
import { useLoad } from './useLoad.js';

/** The attempted value as one short line (JSON, cut at 80 characters). */
export function attemptedText(value: unknown): string {
  if (value === undefined || value === null) return '(empty)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function owner(r: WriteRefusal): string {
  if (r.owner) return systemName(r.owner);
  return r.reason === 'unknown_field' ? 'not in the matrix' : 'unknown';
}

function target(r: WriteRefusal): string {
  const what = r.recordId ? `${r.entity} ${r.recordId}` : r.recordCount > 1 ? `${r.recordCount} ${r.entity} records` : r.entity;
  return `${systemName(r.targetSystem)} ${what}`;
}

/** The write-refusals section. */
export function WriteRefusals(props: { service: ConsoleService }) {
  const { service } = props;
  const load = useCallback(() => service.listWriteRefusals(), [service]);
  const [state, reload] = useLoad(load);
  return (
    <Section title="Write refusals" hint="Fields the ownership matrix kept Concord from writing" class="cc-refusals">
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading write refusals…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The write-refusal list" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' && state.value.length === 0 ? (
        <p class="cc-muted">Nothing was refused: every write so far went to a field its target system accepts from Concord.</p>
      ) : null}
      {state.phase === 'ready' && state.value.length > 0 ? (
        <div class="cc-table-wrap" tabIndex={0} role="region" aria-label="Refused writes">
          <table class="cc-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Field</th>
                <th scope="col">Owner</th>
                <th scope="col">Attempted value</th>
                <th scope="col">Target</th>
                <th scope="col">Flow</th>
              </tr>
            </thead>
            <tbody>
              {state.value.map((r) => (
                <tr key={r.id}>
                  <td class="cc-nowrap">{formatInstant(r.at)}</td>
                  <th scope="row"><code>{r.field}</code></th>
                  <td>{owner(r)}</td>
                  <td><code>{attemptedText(r.attempted)}</code></td>
                  <td>{target(r)}</td>
                  <td>
                    <code>{r.flow}</code>
                    <span class="cc-sub">from {systemName(r.source)} · <code>{r.correlationId}</code></span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div class="cc-actions">
        <button type="button" class="cc-button" onClick={reload}>Refresh</button>
      </div>
    </Section>
  );
}
