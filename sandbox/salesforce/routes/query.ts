/**
 * SOQL over REST: `GET /services/data/vXX.X/query?q=` and `queryAll`, paged through
 * `nextRecordsUrl` locators (`/query/01g...-2000`) that jsforce follows with autoFetch.
 * Batch size 2,000 by default, `Sforce-Query-Options: batchSize=N` (200..2,000) to change it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
 */
import { Hono, type Context } from 'hono';
import { SalesforceError, malformed } from '../errors.js';
import { apiVersion, type SalesforceEnv } from '../context.js';
import { parseSoql } from '../soql/parser.js';
import { executeSoql } from '../soql/execute.js';

const DEFAULT_BATCH = 2000;
/** Open cursors kept at once (oldest dropped first) and their idle lifetime (Salesforce: 15 min). */
const MAX_CURSORS = 200;
const CURSOR_TTL_MS = 15 * 60_000;

interface Cursor {
  tenant: string;
  records: Record<string, unknown>[];
  batch: number;
  touchedAt: number;
}

function batchSize(header: string | undefined): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  if (!m) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(200, Number(m[1])));
}

/** Routes under /services/data/:version (query, queryAll). */
export function queryRoutes(): Hono<SalesforceEnv> {
  const app = new Hono<SalesforceEnv>();
  const cursors = new Map<string, Cursor>();
  let seq = 0;

  const page = (c: Context<SalesforceEnv>, version: string, id: string, cursor: Cursor, offset: number, totalSize: number) => {
    const records = cursor.records.slice(offset, offset + cursor.batch);
    const nextOffset = offset + records.length;
    const done = nextOffset >= cursor.records.length;
    if (done) cursors.delete(id);
    else cursor.touchedAt = Date.now();
    return c.json({ totalSize, done, ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${id}-${nextOffset}` }), records });
  };

  const run = (includeDeleted: boolean) => (c: Context<SalesforceEnv>) => {
    const version = apiVersion(c);
    // Query plans (`?explain=`) are not emulated: the plain 404 of a missing resource.
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query_explain.htm
    if (c.req.query('explain') !== undefined) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const soql = c.req.query('q');
    if (!soql || !soql.trim()) throw malformed('A query string has to be specified');
    const result = executeSoql(c.get('ds'), parseSoql(soql), { today: c.get('today'), version, includeDeleted });
    if (result.count) return c.json({ totalSize: result.totalSize, done: true, records: [] });
    const cursor: Cursor = { tenant: c.get('tenant'), records: result.records, batch: batchSize(c.req.header('sforce-query-options')), touchedAt: Date.now() };
    // Query locators look like 01gD0000002HU6KIAW: key prefix 01g, 15 chars before the offset.
    const id = `01g${c.get('tenant') === 'demo' ? 'D' : 'O'}${(++seq).toString(36).toUpperCase().padStart(11, '0')}`;
    if (cursor.records.length > cursor.batch) {
      cursors.set(id, cursor);
      for (const [key, cur] of cursors) {
        if (cursors.size <= MAX_CURSORS && Date.now() - cur.touchedAt < CURSOR_TTL_MS) break;
        cursors.delete(key);
      }
    }
    return page(c, version, id, cursor, 0, result.totalSize);
  };

  const more = (c: Context<SalesforceEnv>) => {
    const version = apiVersion(c);
    const m = /^(01g[A-Za-z0-9]{12,15})-(\d+)$/.exec(c.req.param('locator') ?? '');
    const cursor = m ? cursors.get(m[1]!) : undefined;
    if (!m || !cursor || cursor.tenant !== c.get('tenant') || Date.now() - cursor.touchedAt > CURSOR_TTL_MS) {
      throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return page(c, version, m[1]!, cursor, Number(m[2]), cursor.records.length);
  };

  app.get('/query', run(false));
  app.get('/queryAll', run(true));
  app.get('/query/:locator', more);
  app.get('/queryAll/:locator', more);
  return app;
}
