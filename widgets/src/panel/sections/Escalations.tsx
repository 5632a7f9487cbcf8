/** Open escalations, highest priority first. */
import { formatDate, humanize, sentence } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import type { AccountView, Escalation } from '../types.js';
import { SectionBody } from './SectionState.js';

const RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
const TONE: Record<string, Tone> = { urgent: 'bad', high: 'bad', medium: 'warn', low: 'neutral' };

/** Escalations card, in the state the view gives the escalations section (`none`: no open one). */
export function Escalations(props: { view: AccountView; hint?: string | undefined; locale?: string | undefined }) {
  const sort = (items: Escalation[]) => [...items].sort((a, b) => (RANK[a.priority] ?? 9) - (RANK[b.priority] ?? 9));
  return (
    <Section title="Open escalations" hint={props.hint} class="cc-escalations">
      <SectionBody view={props.view} section="escalations" state={props.view.escalations}>
        {(items: Escalation[]) => (
        <ul class="cc-list">
          {sort(items).map((e) => (
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
      </SectionBody>
    </Section>
  );
}
