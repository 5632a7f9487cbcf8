/** Health score, trend chart and the signals behind the score. */
import { formatDate, humanize, sentence, signalName } from '../../shared/format.js';
import { Badge, Section, type Tone } from '../../shared/ui.js';
import type { AccountView, Health as HealthData } from '../types.js';
import { SectionBody } from './SectionState.js';
import { TrendChart } from './TrendChart.js';

/** Bands used by most CS tools: below 50 at risk, 50-74 watch, 75+ healthy. */
function tone(score: number): Tone {
  if (score < 50) return 'bad';
  if (score < 75) return 'warn';
  return 'good';
}

const TREND = { up: 'Rising', down: 'Falling', flat: 'Steady' } as const;

/** Health card, in the state the view gives the health section. */
export function Health(props: { view: AccountView; hint?: string | undefined; locale?: string | undefined }) {
  return (
    <Section title="Health" hint={props.hint} class="cc-health">
      <SectionBody view={props.view} section="health" state={props.view.health}>
        {(h: HealthData) => (
        <>
          <p class="cc-score-line">
            <span class="cc-big" data-testid="health-score">{h.score}</span>
            <span class="cc-muted">/ 100</span>{' '}
            <Badge tone={tone(h.score)}>
              {h.trend === 'down' ? '▼ ' : h.trend === 'up' ? '▲ ' : ''}
              {TREND[h.trend] ?? sentence(humanize(String(h.trend)))}
            </Badge>
          </p>
          <p class="cc-muted">As of {formatDate(h.asOf, props.locale)}</p>
          <TrendChart points={h.history} locale={props.locale} />
          {h.signals.length > 0 ? (
            <ul class="cc-signals" aria-label="Health signals">
              {h.signals.map((s) => (
                <li key={s.name}>
                  <span class="cc-signal-name">{signalName(s.name)}</span>
                  <span class="cc-meter" aria-hidden="true">
                    <span class={`cc-meter-fill cc-tone-${tone(s.score)}`} style={{ width: `${Math.max(0, Math.min(100, s.score))}%` }} />
                  </span>
                  <span class="cc-signal-score">{s.score}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </>
        )}
      </SectionBody>
    </Section>
  );
}
