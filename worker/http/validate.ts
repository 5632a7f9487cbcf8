/**
 * Request validation: JSON bodies and query strings through zod. Unparseable JSON is a 400
 * `bad_request`; a well-formed body with wrong fields is a 422 `validation_failed` naming each path.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { fail, zodIssues } from '../errors.js';
import { readBodyLimited } from './body.js';

/** Bodies above this many bytes are refused before parsing (admin payloads are small). */
export const MAX_BODY_BYTES = 256 * 1024;

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    fail({ kind: 'validation', status: 400, message: 'Send a JSON body with Content-Type: application/json', issues: [{ path: '(body)', message: 'expected application/json', code: 'invalid_content_type' }] });
  }
  const text = await readBodyLimited(c.req.raw, MAX_BODY_BYTES);
  if (text === null) {
    fail({ kind: 'validation', status: 400, message: 'Body too large', issues: [{ path: '(body)', message: `at most ${MAX_BODY_BYTES} bytes`, code: 'too_big' }] });
  }
  return parseWith(schema, parseJsonText(text!));
}

/** A body already read as text (e.g. to check its signature first), parsed: 400 `invalid_json` if it is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail({ kind: 'validation', status: 400, message: 'The body is not valid JSON', issues: [{ path: '(body)', message: 'invalid JSON', code: 'invalid_json' }] });
  }
}

export function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 400);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, status: 400 | 422 = 422): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail({ kind: 'validation', status, issues: zodIssues(parsed.error.issues) });
  return parsed.data;
}
