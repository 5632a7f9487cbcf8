/**
 * Failed items (dead letters) with a Replay button each. A closed-won run's dead letter names the
 * step that exhausted its retries; replaying it runs that step again.
 */
import { useCallback, useState } from 'preact/hooks';
import { formatInstant } from '../shared/format.js';
import { describeError } from '../shared/result.js';
import { Badge, Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import { useLoad } from './useLoad.js';

type ReplayState = 'pending' | 'queued' | { failed: string };

/** The failed-items section. */
export function DeadLetters(props: { service: ConsoleService }) {
  const { service } = props;
  const load = useCallback(() => service.listDeadLetters(), [service]);
  const [state, reload] = useLoad(load);
  const [replays, setReplays] = useState<Record<string, ReplayState>>({});

  const replay = async (id: string) => {
    setReplays((s) => ({ ...s, [id]: 'pending' }));
    const r = await service.replay(id);
    setReplays((s) => ({ ...s, [id]: r.ok ? 'queued' : { failed: describeError(r.error) } }));
  };

  return (
    <Section title="Failed items" hint="Changes that could not be delivered after retries" class="cc-dead">
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading failed items…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The failed-items list" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' && state.value.length === 0 ? <p class="cc-muted">Nothing has failed. All changes were delivered.</p> : null}
      {state.phase === 'ready' && state.value.length > 0 ? (
        <ul class="cc-list">
          {state.value.map((d) => {
            const rs = replays[d.id];
            return (
              <li key={d.id} class="cc-dead-item">
                <div>
                  <span class="cc-item-title">{d.summary ?? d.kind}</span>
                  <span class="cc-sub">
                    <code>{d.kind}</code> · failed {formatInstant(d.failedAt)}
                    {d.attempts ? ` after ${d.attempts} attempts` : ''}
                  </span>
                  {d.step ? (
                    <span class="cc-sub" data-step={d.step}>
                      Step <code>{d.step}</code>{d.runId ? <> of run <code>{d.runId}</code></> : null}: Replay runs this step again.
                    </span>
                  ) : null}
                  <span class="cc-sub cc-text-bad">{d.error}</span>
                </div>
                <div class="cc-actions">
                  {rs === 'queued' ? (
                    <Badge tone="good">Replay queued</Badge>
                  ) : (
                    <button type="button" class="cc-button" disabled={rs === 'pending'} onClick={() => void replay(d.id)}
                      aria-label={`Replay ${d.summary ?? d.kind}`}>
                      {rs === 'pending' ? 'Replaying…' : 'Replay'}
                    </button>
                  )}
                  {typeof rs === 'object' ? <span class="cc-field-error" role="alert">Replay failed: {rs.failed}</span> : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Section>
  );
}
