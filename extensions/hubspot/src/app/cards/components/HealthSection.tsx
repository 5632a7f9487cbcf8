/** Customer health: the score, its trend since the first point in the history, and the signals behind it. */
import { DescriptionList, DescriptionListItem, Flex, ScoreCircle, Statistics, StatisticsItem, StatisticsTrend, Text } from '@hubspot/ui-extensions';
import type { Health } from '../lib/account-view.ts';
import { formatDate, labelFromKey } from '../lib/format.ts';

/** Props of {@link HealthSection}. */
export interface HealthSectionProps {
  health: Health;
  locale: string;
}

/** Change in points from the oldest history entry to the current score; null without history. */
export function healthDelta(health: Health): number | null {
  const first = health.history[0];
  return first ? Math.round(health.score - first.score) : null;
}

/** Score circle, a statistic with a trend arrow, and per-signal scores. */
export function HealthSection({ health, locale }: HealthSectionProps) {
  const delta = healthDelta(health);
  // The broker's trend word wins for the caption; the arrow follows the measured change.
  const trend = health.trend ?? (delta === null || delta === 0 ? 'flat' : delta > 0 ? 'up' : 'down');
  const since = health.history[0] ? ` since ${formatDate(health.history[0].date, locale)}` : '';
  return (
    <>
      <Flex direction="row" gap="md" align="center">
        <ScoreCircle score={Math.round(health.score)} />
        <Statistics>
          <StatisticsItem id="health-score" label="Health score" number={Math.round(health.score)}>
            {delta !== null && delta !== 0 ? (
              <StatisticsTrend
                direction={delta > 0 ? 'increase' : 'decrease'}
                value={`${Math.abs(delta)} pts${since}`}
                color={delta > 0 ? 'green' : 'red'}
              />
            ) : null}
          </StatisticsItem>
        </Statistics>
      </Flex>
      <Text variant="microcopy" testId="health-trend">
        {trend === 'up' ? 'Trending up' : trend === 'down' ? 'Trending down' : 'Stable'}
        {health.asOf ? ` · as of ${formatDate(health.asOf, locale)}` : ''}
      </Text>
      {health.signals.length > 0 ? (
        <DescriptionList direction="row">
          {health.signals.map((signal) => (
            <DescriptionListItem key={signal.name} label={labelFromKey(signal.name)}>
              <Text>{signal.score === null ? '—' : String(Math.round(signal.score))}</Text>
            </DescriptionListItem>
          ))}
        </DescriptionList>
      ) : null}
    </>
  );
}
