/** Onboarding milestones as an ordered checklist. */
import { formatDate, humanize, sentence } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import { systemName } from '../../shared/format.js';
import type { AccountView, Milestone, Onboarding as OnboardingData } from '../types.js';
import { SectionBody } from './SectionState.js';

function milestoneState(m: Milestone, today: string): { label: string; tone: Tone; when: string | null } {
  if (m.status === 'completed') return { label: 'Done', tone: 'good', when: m.completedAt };
  if (m.status === 'skipped') return { label: 'Skipped', tone: 'neutral', when: null };
  if (m.status === 'blocked') return { label: 'Blocked', tone: 'bad', when: m.dueDate };
  // Compare ISO dates as strings: both are YYYY-MM-DD.
  if (m.dueDate !== null && m.dueDate < today) return { label: 'Late', tone: 'bad', when: m.dueDate };
  if (m.status === 'in_progress') return { label: 'In progress', tone: 'info', when: m.dueDate };
  return { label: sentence(humanize(m.status)), tone: 'neutral', when: m.dueDate };
}

/**
 * Where a CSM starts the missing onboarding project: the CS system's web app when the broker knows
 * it (`sourceLinks`, built from the connection's vendor host), else the system named in words.
 */
function StartProject(props: { view: AccountView }) {
  const owner = props.view.owners.onboarding;
  if (!owner) return null;
  const href = props.view.sourceLinks[owner];
  const name = systemName(owner);
  return href ? (
    <a class="cc-link" href={href} target="_blank" rel="noopener noreferrer" data-testid="start-onboarding">
      Start one in {name}
    </a>
  ) : (
    <>A CSM can start one in {name}.</>
  );
}

/** Milestones card; `today` (YYYY-MM-DD) decides which open milestones are late. */
export function Onboarding(props: { view: AccountView; today: string; hint?: string | undefined; locale?: string | undefined }) {
  return (
    <Section title="Onboarding" hint={props.hint} class="cc-onboarding">
      <SectionBody view={props.view} section="onboarding" state={props.view.onboarding} noneAction={<StartProject view={props.view} />}>
        {(o: OnboardingData) => o.milestones.length === 0 ? (
        <p class="cc-muted">No onboarding milestones.</p>
      ) : (
        <ol class="cc-milestones">
          {o.milestones.map((m) => {
            const s = milestoneState(m, props.today);
            return (
              <li key={m.id} class={`cc-ms-${s.tone}`}>
                <span class="cc-ms-name">{m.name}</span>
                <Badge tone={s.tone}>{s.label}</Badge>
                {s.when ? (
                  <span class="cc-sub">
                    {m.status === 'completed' ? 'Completed' : 'Due'} {formatDate(s.when, props.locale)}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      </SectionBody>
    </Section>
  );
}
