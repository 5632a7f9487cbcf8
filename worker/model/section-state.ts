/**
 * Explicit state of one AccountView section (schema version 2). Version 1 used `null` both for
 * "the source failed" and "the source has none", so every surface had to guess which; now each
 * section says which it is, and the surfaces can say the right thing:
 *
 * | state         | meaning                                                               | carries                        |
 * |---------------|-----------------------------------------------------------------------|--------------------------------|
 * | `ok`          | the source answered within the freshness window                      | `data`                         |
 * | `stale`       | the data shown is older: cached copy being revalidated, or the source | `data`, `ageSeconds`, `error?` |
 * |               | failed just now and this is its last good answer (stale-if-error)     |                                |
 * | `none`        | the source answered and has none (no onboarding project, no score...) | nothing                        |
 * | `unavailable` | the source failed and there is no earlier answer to fall back on      | `error` (stable code)          |
 * | `not_linked`  | the account is not linked to a record in the section's source system | nothing                        |
 *
 * Pure: imports nothing that does I/O.
 */
import { z } from 'zod';

/** Stable error code of a failed source, e.g. `upstream_timeout` (the problem codes of README.md). */
export const SourceErrorCodeSchema = z.string().min(1).max(200).describe('Stable error code, e.g. upstream_timeout.');

/** Every state a section can be in. */
export const SECTION_STATES = ['ok', 'stale', 'none', 'unavailable', 'not_linked'] as const;
/** One section state. */
export type SectionStateName = (typeof SECTION_STATES)[number];

/** A section carrying `T`: the discriminated union above, discriminated by `state`. */
export type Section<T> =
  | { state: 'ok'; data: T }
  | { state: 'stale'; data: T; ageSeconds: number; error?: string }
  | { state: 'none' }
  | { state: 'unavailable'; error: string }
  | { state: 'not_linked' };

/** The zod schema of a section whose data is `data`; `what` names it in the description. */
export function sectionSchema<T extends z.ZodType>(data: T, what: string) {
  return z
    .discriminatedUnion('state', [
      z.strictObject({ state: z.literal('ok'), data }),
      z.strictObject({
        state: z.literal('stale'),
        data,
        ageSeconds: z.number().int().min(0).describe('Age of the data shown, in seconds.'),
        error: SourceErrorCodeSchema.optional().describe('Why fresher data is missing: the code of the failure that made Concord fall back to this copy; absent while a cached copy is being revalidated.'),
      }),
      z.strictObject({ state: z.literal('none') }).describe('The source answered and has none.'),
      z.strictObject({ state: z.literal('unavailable'), error: SourceErrorCodeSchema }).describe('The source failed and no earlier answer exists.'),
      z.strictObject({ state: z.literal('not_linked') }).describe('The account is not linked to a record in this source system.'),
    ])
    .describe(`${what}: ok | stale | none | unavailable | not_linked.`);
}

/** `ok` with the data, or `none` when the source answered with nothing. */
export function answered<T>(data: T | null): Section<T> {
  return data === null ? { state: 'none' } : { state: 'ok', data };
}

/** The data of a section that has some (`ok` or `stale`), else null. */
export function sectionData<T>(section: Section<T>): T | null {
  return section.state === 'ok' || section.state === 'stale' ? section.data : null;
}

/**
 * The section as served `ageSeconds` after its source answered: `ok` becomes `stale` when the
 * copy is no longer fresh (`fresh` false), a `stale` one gets its age and keeps its error code,
 * and `none` / `unavailable` / `not_linked` stay as they are (the source's freshness entry
 * carries their age).
 */
export function aged<T>(section: Section<T>, ageSeconds: number, fresh: boolean): Section<T> {
  if (section.state === 'stale') return { ...section, ageSeconds };
  if (section.state === 'ok' && !fresh) return { state: 'stale', data: section.data, ageSeconds };
  return section;
}
