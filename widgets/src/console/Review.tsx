/**
 * The identity review queue: pairs of records Concord would not link on its own, with open cases
 * to decide and decided ones that can be split again.
 */
import { useCallback, useState } from 'preact/hooks';
import { Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import { ReviewCaseView, problemOf } from './ReviewCase.js';
import type { ConsoleService } from './service.js';
import { useLoad } from './useLoad.js';

/** The Review section. */
export function Review(props: { service: ConsoleService }) {
  const { service } = props;
  const [tab, setTab] = useState<'open' | 'decided'>('open');
  const load = useCallback(() => service.listReviews(tab), [service, tab]);
  const [state, reload] = useLoad(load);

  return (
    <Section title="Review" hint="Possible matches Concord would not link on its own" class="cc-review">
      <div class="cc-actions" role="group" aria-label="Which cases">
        {(['open', 'decided'] as const).map((t) => (
          <button key={t} type="button" class={`cc-button${tab === t ? ' cc-button-primary' : ''}`} aria-pressed={tab === t} onClick={() => setTab(t)}>
            {t === 'open' ? 'Open' : 'Decided'}
          </button>
        ))}
      </div>
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading review cases…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The review queue" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' && state.value.length === 0 ? (
        <p class="cc-muted">{tab === 'open' ? 'Nothing to review. Every record was linked or is clearly new.' : 'No decisions yet.'}</p>
      ) : null}
      {state.phase === 'ready' && state.value.length > 0 ? (
        <div class="cc-stack">
          {state.value.map((item) => (
            <ReviewCaseView
              key={item.id}
              item={item}
              decide={async (d) => problemOf(await service.decideReview(item.id, d))}
              split={async (accountId, record) => problemOf(await service.split(accountId, record))}
            />
          ))}
        </div>
      ) : null}
    </Section>
  );
}
