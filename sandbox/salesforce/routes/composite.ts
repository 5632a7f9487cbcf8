/**
 * Composite: up to 25 subrequests in one call, later ones referring to earlier results with
 * `@{referenceId.path}`. Subrequests run through the emulator itself, one after another.
 * Known gap: with `allOrNone` the emulator stops at the first failure (later subrequests answer
 * PROCESSING_HALTED) but does not undo the earlier writes.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { SalesforceError } from '../errors.js';
import { apiVersion, readJson, type SalesforceEnv } from '../context.js';

/** Subrequests per composite call. */
export const MAX_SUBREQUESTS = 25;

const schema = z.object({
  allOrNone: z.boolean().default(false),
  collateSubrequests: z.boolean().optional(),
  compositeRequest: z.array(
    z.object({
      method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']),
      url: z.string().startsWith('/services/data/'),
      referenceId: z.string().regex(/^[A-Za-z0-9_]+$/),
      body: z.unknown().optional(),
      httpHeaders: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

/** Dispatches one subrequest through the emulator (same tenant, no extra API-usage count). */
export type SubrequestDispatcher = (method: string, url: string, body: string | undefined, headers: Record<string, string>) => Promise<Response>;

/**
 * Reads `a.b[0].c` from a previous subrequest's JSON body. A reference into a subrequest that
 * failed (so has no such value) halts the dependent one, as Composite answers it:
 * PROCESSING_HALTED "Invalid reference specified. No value for t1.Id found in t1. ..."
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_response.htm
 */
function lookup(results: Map<string, unknown>, expr: string): string {
  const [ref, ...rest] = expr.split('.');
  let cur: unknown = results.get(ref ?? '');
  if (cur === undefined) throw new SalesforceError(400, 'INVALID_REFERENCE', `Invalid reference specified. No value for ${expr} found in ${ref}.`);
  for (const part of rest.join('.').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  }
  if (cur === undefined || cur === null || typeof cur === 'object') {
    throw new SalesforceError(400, 'PROCESSING_HALTED', `Invalid reference specified. No value for ${expr} found in ${ref}. Provided referenceId ('${ref}') must be a previous subrequest.`);
  }
  return String(cur);
}

function substitute(text: string, results: Map<string, unknown>): string {
  return text.replace(/@\{([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g, (_m, expr: string) => lookup(results, expr));
}

/** Routes under /services/data/:version/composite. */
export function compositeRoutes(dispatch: SubrequestDispatcher): Hono<SalesforceEnv> {
  const app = new Hono<SalesforceEnv>();
  app.post('/', async (c) => {
    apiVersion(c);
    const raw = await readJson(c);
    const count = (raw as { compositeRequest?: unknown[] } | null)?.compositeRequest?.length ?? 0;
    // Over the limit nothing runs; the refusal comes wrapped as one subrequest answer, as
    // observed from the real API: {"compositeResponse":[{"body":[{"errorCode":"LIMIT_EXCEEDED",
    // "message":"The request can’t contain more than 25 operations."}],"httpHeaders":{},
    // "httpStatusCode":400,"referenceId":null}]} (guardian/support-service-lambdas#766).
    if (count > MAX_SUBREQUESTS) {
      const refusal = [{ errorCode: 'LIMIT_EXCEEDED', message: `The request can’t contain more than ${MAX_SUBREQUESTS} operations.` }];
      return c.json({ compositeResponse: [{ body: refusal, httpHeaders: {}, httpStatusCode: 400, referenceId: null }] }, 400);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new SalesforceError(400, 'JSON_PARSER_ERROR', `Invalid composite request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const results = new Map<string, unknown>();
    const out: unknown[] = [];
    let halted = false;
    for (const sub of parsed.data.compositeRequest) {
      if (halted) {
        out.push({ body: [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }], httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId });
        continue;
      }
      let status: number;
      let body: unknown;
      // Only Location is passed on (a create's record URL), as Composite answers show it.
      let httpHeaders: Record<string, string> = {};
      try {
        const url = substitute(sub.url, results);
        const payload = sub.body === undefined ? undefined : substitute(JSON.stringify(sub.body), results);
        // Subrequests run with the caller's session.
        const headers = { ...(sub.httpHeaders ?? {}), authorization: c.req.header('authorization') ?? '', 'content-type': 'application/json' };
        const res = await dispatch(sub.method, url, payload, headers);
        status = res.status;
        const location = res.headers.get('location');
        if (location) httpHeaders = { Location: location };
        const text = await res.text();
        body = text ? (JSON.parse(text) as unknown) : null;
      } catch (err) {
        if (!(err instanceof SalesforceError)) throw err;
        status = err.status;
        body = err.items;
      }
      results.set(sub.referenceId, body);
      out.push({ body, httpHeaders, httpStatusCode: status, referenceId: sub.referenceId });
      if (status >= 400 && parsed.data.allOrNone) halted = true;
    }
    return c.json({ compositeResponse: out });
  });
  return app;
}
