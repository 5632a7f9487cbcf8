/**
 * `POST …/services/rest/query/v1/suiteql?limit=&offset=` with body `{"q":"SELECT …"}`
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html).
 * Response `{links, count, hasMore, items, offset, totalResults}`; items carry lower-case columns,
 * leave NULL columns out and write dates in the account's date-format preference, as NetSuite does.
 * A query NetSuite would refuse answers 400 `INVALID_PARAMETER` with `o:errorQueryParam: "q"`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxEnv } from '../../core/auth.js';
import { readJson } from '../../core/http.js';
import { countQuery, countersFor } from '../../core/limits.js';
import type { SandboxState } from '../../core/state.js';
import { NetSuiteError } from '../errors.js';
import { pageLinks, paging, restBase } from '../records/routes.js';
import { runSuiteQl } from './evaluate.js';
import { SuiteQlError } from './errors.js';

const body = z.object({ q: z.string().min(1) }).strict();

/** Build the SuiteQL route. */
export function suiteqlRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.post('/suiteql', async (c) => {
    const { limit, offset } = paging(c);
    const raw = await readJson(c);
    if (!raw.ok) throw new NetSuiteError(400, 'INVALID_CONTENT', `Invalid content in the request body: ${raw.error}.`);
    const parsed = body.safeParse(raw.value);
    if (!parsed.success) throw new NetSuiteError(400, 'INVALID_PARAMETER', 'The request body must be {"q": "<SuiteQL query>"} and nothing else.', 'q');
    let result;
    try {
      const tenant = c.get('tenant');
      countQuery(countersFor(state, 'netsuite', tenant), 'SuiteQL', parsed.data.q);
      result = runSuiteQl(parsed.data.q, state.dataset(tenant).netsuite, limit, offset, { prefs: state.netsuitePreferences[tenant], today: state.anchorDate });
    } catch (err) {
      if (err instanceof SuiteQlError) {
        throw new NetSuiteError(400, err.errorCode, `Invalid search query. Detailed unprocessed description follows. ${err.message}`, 'q', 'query');
      }
      throw err;
    }
    const href = (o: number) => `${restBase(c)}/query/v1/suiteql?limit=${limit}&offset=${o}`;
    return c.json({
      links: pageLinks(href, limit, offset, result.totalResults),
      count: result.items.length,
      hasMore: offset + result.items.length < result.totalResults,
      items: result.items,
      offset,
      totalResults: result.totalResults,
    });
  });
  return app;
}
