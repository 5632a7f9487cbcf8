/** Open escalations, highest priority first. */
import { formatDate, humanize, sentence } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import type { Escalation } from '../types.js';
import { Unavailable } from './Unavailable.js';

const RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
const TONE: Record<string, Tone> = { urgent: 'bad', high: 'bad', medium: 'warn', low: 'neutral' };

/** Escalations card; `items` null means the source did not answer. */
export function Escalations(props: { items: Escalation[] | null; hint?: string | undefined; unavailable: string; locale?: string | undefined }) {
  const items = props.items;
  const sorted = items ? [...items].sort((a, b) => (RANK[a.priority] ?? 9) - (RANK[b.priority] ?? 9)) : [];
  return (
    <Section title="Open escalations" hint={props.hint} class="cc-escalations">
      {items === null ? (
        <Unavailable text={props.unavailable} />
      ) : sorted.length === 0 ? (
        <p class="cc-muted">No open escalations.</p>
      ) : (
        <ul class="cc-list">
          {sorted.map((e) => (
            <li key={e.id}>
              <span class="cc-item-title">{e.subject}</span>
              <span class="cc-item-meta">
                <Badge tone={TONE[e.priority] ?? 'neutral'}>{sentence(humanize(e.priority))} priority</Badge>{' '}
                <span class="cc-sub">
                  {sentence(humanize(e.status))} since {formatDate(e.openedAt, props.locale)}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
