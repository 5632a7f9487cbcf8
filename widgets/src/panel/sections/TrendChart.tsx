/**
 * A tiny SVG line chart of the health-score history (no chart library). Accessible three ways:
 * role="img" with an aria-label summarising the trend, a <title>, and a visually hidden table with
 * every point for screen-reader users who want the figures.
 */
import { formatDate } from '../../shared/format.js';

/** One point of the series. */
export interface Point { date: string; score: number }

const W = 300;
const H = 90;
const PAD = { top: 8, right: 8, bottom: 8, left: 26 };

/** Sentence read out for the chart, e.g. "Health score from 78 on 7 Sep 2026 to 64 on 23 Nov 2026". */
export function trendLabel(points: Point[], locale?: string): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return 'Health score trend: no history yet';
  if (points.length === 1) return `Health score ${last.score} on ${formatDate(last.date, locale)}`;
  return `Health score trend: from ${first.score} on ${formatDate(first.date, locale)} to ${last.score} on ${formatDate(last.date, locale)}`;
}

/** Line chart over a fixed 0-100 scale, so a small drop does not look like a collapse. */
export function TrendChart(props: { points: Point[]; locale?: string | undefined }) {
  const pts = [...props.points].sort((a, b) => a.date.localeCompare(b.date));
  const label = trendLabel(pts, props.locale);
  const x = (i: number) => PAD.left + (pts.length <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (pts.length - 1));
  const y = (score: number) => PAD.top + ((100 - Math.max(0, Math.min(100, score))) * (H - PAD.top - PAD.bottom)) / 100;
  const path = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  return (
    <figure class="cc-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none" width="100%" height={H}>
        <title>{label}</title>
        {[0, 50, 100].map((g) => (
          <g key={g} aria-hidden="true">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(g)} y2={y(g)} class="cc-gridline" />
            <text x={PAD.left - 4} y={y(g) + 3} text-anchor="end" class="cc-axis">{g}</text>
          </g>
        ))}
        {pts.length > 1 ? <path d={path} class="cc-line" fill="none" /> : null}
        {pts.map((p, i) => (
          <circle key={p.date} cx={x(i)} cy={y(p.score)} r={3} class="cc-dot" />
        ))}
      </svg>
      <table class="cc-sr-only">
        <caption>Health score history</caption>
        <thead>
          <tr><th scope="col">Date</th><th scope="col">Score</th></tr>
        </thead>
        <tbody>
          {pts.map((p) => (
            <tr key={p.date}><td>{formatDate(p.date, props.locale)}</td><td>{p.score}</td></tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
