/**
 * Small HTTP helpers for the sandbox's own endpoints: RFC 9457 problem responses with a stable
 * `code`, and a JSON body reader that reports bad JSON instead of throwing.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An `application/problem+json` response (https://www.rfc-editor.org/rfc/rfc9457). */
export function problem(c: Context, status: ContentfulStatusCode, code: string, title: string, detail?: string): Response {
  const body = { type: `https://concord.local/problems/${code}`, title, status, code, ...(detail ? { detail } : {}) };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/** Result of reading a JSON body. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

/** Parse the request body as JSON; an empty body reads as `emptyAs` (default: error). */
export async function readJson(c: Context, emptyAs?: unknown): Promise<JsonBody> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    return { ok: false, error: 'could not read the request body' };
  }
  if (text.trim() === '') return emptyAs === undefined ? { ok: false, error: 'request body is empty' } : { ok: true, value: emptyAs };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `malformed JSON: ${(e as Error).message}` };
  }
}
