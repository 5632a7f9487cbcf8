/** Per-source freshness line: "NetSuite · 2 min ago", or why a source is unavailable. */
import { formatAge, freshnessErrorText, systemName } from '../../shared/format.js';
import type { Freshness as FreshnessData } from '../types.js';

/** Text for one source, e.g. `NetSuite · 2 min ago` / `Vitally · did not answer in time`. */
export function freshnessText(system: string, f: FreshnessData, now: number): string {
  const name = systemName(system);
  if (f.status === 'error') return `${name} · ${freshnessErrorText(f.error)}`;
  const age = f.ageSeconds ?? (f.fetchedAt ? Math.max(0, (now - Date.parse(f.fetchedAt)) / 1000) : null);
  const ago = age === null || Number.isNaN(age) ? 'time unknown' : formatAge(age);
  return f.status === 'stale' ? `${name} · ${ago} (cached)` : `${name} · ${ago}`;
}

/** The freshness list shown under the account name. */
export function Freshness(props: { freshness: Record<string, FreshnessData>; now: number }) {
  const entries = Object.entries(props.freshness);
  if (entries.length === 0) return null;
  return (
    <ul class="cc-freshness" aria-label="Data freshness">
      {entries.map(([system, f]) => (
        <li key={system} class={`cc-fresh-${f.status}`} data-testid={`freshness-${system}`}>
          <span class="cc-dot-status" aria-hidden="true" />
          {freshnessText(system, f, props.now)}
        </li>
      ))}
    </ul>
  );
}
