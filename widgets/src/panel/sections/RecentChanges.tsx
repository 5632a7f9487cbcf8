/**
 * "Recent changes" from the account's history: what changed, where it came from (NetSuite,
 * Vitally, HubSpot, Salesforce, Concord automation, Concord: the broker derives it from what it
 * recorded), who did it, when. What an automation did carries a badge of its own tone.
 */
import { formatInstant } from '../../shared/format.js';
import { describeError, type WidgetError } from '../../shared/result.js';
import { Badge, Section } from '../../shared/ui.js';
import type { AuditItem } from '../types.js';

/** The broker's source of what a lifecycle automation did (worker/services/audit-summary.ts). */
const AUTOMATION_SOURCE = 'Concord automation';

/** Loading state of the audit list, independent of the main view. */
export type AuditState = { phase: 'loading' } | { phase: 'ready'; items: AuditItem[] } | { phase: 'error'; error: WidgetError };

/** Shows at most `limit` changes, newest first. */
export function RecentChanges(props: { state: AuditState; limit?: number; locale?: string | undefined }) {
  const s = props.state;
  return (
    <Section title="Recent changes" class="cc-changes">
      {s.phase === 'loading' ? (
        <p class="cc-muted" role="status">Loading recent changes…</p>
      ) : s.phase === 'error' ? (
        <p class="cc-unavailable">Recent changes could not be loaded. {s.error.kind === 'not_found' ? '' : describeError(s.error)}</p>
      ) : s.items.length === 0 ? (
        <p class="cc-muted">No changes recorded yet.</p>
      ) : (
        <ul class="cc-list">
          {[...s.items]
            .sort((a, b) => b.at.localeCompare(a.at))
            .slice(0, props.limit ?? 8)
            .map((i) => (
              <li key={`${i.at}-${i.action}-${i.summary}`}>
                <span class="cc-item-title">{i.summary}</span>
                <span class="cc-sub">
                  {i.source ? (
                    <>
                      <Badge tone={i.source === AUTOMATION_SOURCE ? 'info' : 'neutral'} label={`Source: ${i.source}`}>
                        {i.source}
                      </Badge>{' '}
                    </>
                  ) : null}
                  {i.actor} · <time dateTime={i.at}>{formatInstant(i.at, props.locale)}</time>
                </span>
              </li>
            ))}
        </ul>
      )}
    </Section>
  );
}
