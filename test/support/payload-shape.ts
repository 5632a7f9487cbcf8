/**
 * Structural comparison of JSON payloads, for the contract tests that tie the sandbox to the saved
 * vendor payloads under test/fixtures/<vendor>/: a sandbox answer must have the same fields, the
 * same JSON types and the same nesting as the vendor's documented answer, not the same values.
 *
 * Rules:
 * - objects: every field of the fixture must be present in the answer, and the answer must not
 *   invent fields the fixture does not have (unless listed in `extraAllowed`);
 * - arrays: every element of the answer must fit the shape of the fixture's first element
 *   (an empty array on either side says nothing about its elements);
 * - `null` in the fixture matches any type (the vendor documents the field as nullable), and a
 *   `null` in the answer matches a fixture field of any type (the record has no value there);
 * - numbers, strings and booleans must match by JSON type.
 * Paths in the report are JSONPath-like (`$.items[].links[].href`).
 */

export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  return 'object';
}

export interface ShapeOptions {
  /** Paths (as reported) whose extra fields in the answer are allowed, e.g. `$.items[]`. */
  extraAllowed?: readonly string[];
  /** Paths of fixture fields the answer may leave out (optional fields the vendor omits when empty). */
  optional?: readonly string[];
}

/** Every structural difference between `expected` (the vendor fixture) and `actual` (the sandbox). */
export function shapeDiff(expected: unknown, actual: unknown, opts: ShapeOptions = {}, path = '$'): string[] {
  const te = jsonType(expected);
  const ta = jsonType(actual);
  if (te === 'null' || ta === 'null') return [];
  if (te !== ta) return [`${path}: expected ${te}, got ${ta}`];
  if (te === 'array') {
    const [first] = expected as unknown[];
    if (first === undefined) return [];
    return (actual as unknown[]).flatMap((item) => shapeDiff(first, item, opts, `${path}[]`)).filter(unique());
  }
  if (te !== 'object') return [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(e)) {
    const at = `${path}.${key}`;
    if (!(key in a)) {
      if (!opts.optional?.includes(at)) out.push(`${at}: missing in the answer`);
      continue;
    }
    out.push(...shapeDiff(e[key], a[key], opts, at));
  }
  if (!opts.extraAllowed?.includes(path)) {
    for (const key of Object.keys(a)) if (!(key in e)) out.push(`${path}.${key}: not in the vendor's shape`);
  }
  return out;
}

function unique() {
  const seen = new Set<string>();
  return (s: string) => (seen.has(s) ? false : (seen.add(s), true));
}
