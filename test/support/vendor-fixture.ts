/**
 * Saved vendor payloads (test/fixtures/<vendor>/<operation>.json), each with a sibling note
 * (<operation>.md) naming the documentation it follows and the request that produces it. Mapper
 * unit tests feed them to connectors/<vendor>/map.ts; fixture contract tests compare the
 * sandbox's answer to the same request with them (test/support/payload-shape.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The saved payload of one operation. */
export function fixture<T = unknown>(vendor: string, operation: string): T {
  return JSON.parse(readFileSync(`${root}${vendor}/${operation}.json`, 'utf8')) as T;
}

/** Every operation saved for a vendor (file names without `.json`). */
export function fixtureNames(vendor: string): string[] {
  return readdirSync(`${root}${vendor}`).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** The note beside a payload: its documentation URLs and the request it answers. */
export function fixtureNote(vendor: string, operation: string): { sources: string[]; request: string | null; text: string } {
  const text = readFileSync(`${root}${vendor}/${operation}.md`, 'utf8');
  const sources = [...text.matchAll(/^(?:Source|See also): (\S+)$/gm)].map((m) => m[1]!);
  const request = /^Request: `(.+)`$/m.exec(text)?.[1] ?? null;
  return { sources, request, text };
}
