/**
 * `…/services/rest/record/v1/{type}[/{id}]` routes: list (ids and links only, limit/offset paging),
 * get, create (POST, 204 + Location), update (PATCH), upsert by external id (PUT `eid:…`), delete.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html
 */
import { Hono, type Context } from 'hono';
import type { SandboxEnv } from '../../core/auth.js';
import type { SandboxState } from '../../core/state.js';
import { readJson } from '../../core/http.js';
import { NetSuiteError } from '../errors.js';
import { Links } from './map.js';
import { RECORD_KINDS, findRow, type RecordKind } from './registry.js';
import { markCreated } from '../stats.js';

/** `https://host/netsuite/services/rest` for the current request (links echo the caller's host). */
export function restBase(c: Context): string {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf('/services/rest');
  return `${url.origin}${at >= 0 ? url.pathname.slice(0, at) : ''}/services/rest`;
}

/** Parse `limit`/`offset` query parameters (NetSuite: limit 1..1000, default 1000). */
export function paging(c: Context): { limit: number; offset: number } {
  const limitText = c.req.query('limit');
  const offsetText = c.req.query('offset');
  const limit = limitText === undefined ? 1000 : Number(limitText);
  const offset = offsetText === undefined ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new NetSuiteError(400, 'INVALID_PARAMETER', `Invalid value for query parameter limit: ${limitText}. Provide an integer from 1 to 1000.`, 'limit', 'query');
  if (!Number.isInteger(offset) || offset < 0) throw new NetSuiteError(400, 'INVALID_PARAMETER', `Invalid value for query parameter offset: ${offsetText}. Provide a non-negative integer.`, 'offset', 'query');
  return { limit, offset };
}

/** NetSuite collection paging links (self, first, prev, next, last). */
export function pageLinks(href: (offset: number) => string, limit: number, offset: number, total: number) {
  const links = [{ rel: 'self', href: href(offset) }, { rel: 'first', href: href(0) }];
  if (offset > 0) links.push({ rel: 'prev', href: href(Math.max(0, offset - limit)) });
  if (offset + limit < total) links.push({ rel: 'next', href: href(offset + limit) });
  links.push({ rel: 'last', href: href(Math.max(0, Math.floor((Math.max(total, 1) - 1) / limit) * limit)) });
  return links;
}

/** Sublists of the emulated records. */
const SUBLISTS = ['addressBook', 'item', 'apply', 'price'] as const;

/** Build the record routes for the NetSuite app. */
export function recordRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const kindOf = (c: Context<SandboxEnv>): [string, RecordKind] => {
    const type = c.req.param('type') ?? '';
    const kind = RECORD_KINDS[type];
    if (!kind) throw new NetSuiteError(404, 'INVALID_PARAMETER', `Record type '${type}' was not found or is not supported by the sandbox. Supported: ${Object.keys(RECORD_KINDS).join(', ')}.`);
    return [type, kind];
  };
  const ds = (c: Context<SandboxEnv>) => state.dataset(c.get('tenant')).netsuite;
  const notFound = (c: Context<SandboxEnv>) => new NetSuiteError(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.', new URL(c.req.url).pathname.replace(/^.*(?=\/services\/rest\/)/, ''), 'url');
  const bodyOf = async (c: Context<SandboxEnv>) => {
    const body = await readJson(c);
    if (!body.ok) throw new NetSuiteError(400, 'INVALID_CONTENT', `Invalid content in the request body: ${body.error}.`);
    return body.value;
  };
  const created = (c: Context<SandboxEnv>, type: string, id: string) => {
    c.header('Location', new Links(restBase(c)).record(type, id));
    return c.body(null, 204);
  };
  const writable = (type: string, kind: RecordKind) => {
    if (!kind.write) throw new NetSuiteError(405, 'METHOD_NOT_ALLOWED', `The sandbox does not support writing ${type} records.`);
    return kind.write;
  };

  app.get('/:type', (c) => {
    const [type, kind] = kindOf(c);
    if (c.req.query('q') !== undefined) throw new NetSuiteError(400, 'INVALID_PARAMETER', 'The q filter on record collections is not supported by the sandbox; use SuiteQL.', 'q', 'query');
    const { limit, offset } = paging(c);
    const rows = kind.rows(ds(c));
    const links = new Links(restBase(c));
    const href = (o: number) => `${links.base}/record/v1/${type}?limit=${limit}&offset=${o}`;
    const page = rows.slice(offset, offset + limit);
    return c.json({
      links: pageLinks(href, limit, offset, rows.length),
      count: page.length,
      hasMore: offset + page.length < rows.length,
      items: page.map((r) => ({ links: links.self(type, r.id), id: r.id })),
      offset,
      totalResults: rows.length,
    });
  });

  app.get('/:type/:key', (c) => {
    const [type, kind] = kindOf(c);
    const row = findRow(kind, ds(c), c.req.param('key'));
    if (!row) throw notFound(c);
    const links = new Links(restBase(c));
    const rec = kind.toRest(ds(c), links, row);
    // Sublists (addressBook, item, apply, price) come as a link only unless the caller asks for
    // them with expandSubResources=true, as NetSuite answers.
    // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1544787084.html
    if (c.req.query('expandSubResources') !== 'true') {
      for (const key of SUBLISTS) if (key in rec) rec[key] = { links: [{ rel: 'self', href: `${links.record(type, row.id)}/${key}` }] };
    }
    return c.json(rec);
  });

  app.post('/:type', async (c) => {
    const [type, kind] = kindOf(c);
    const write = writable(type, kind);
    const row = write(ds(c), null, await bodyOf(c), false);
    markCreated(ds(c), row);
    return created(c, type, row.id);
  });

  app.patch('/:type/:key', async (c) => {
    const [type, kind] = kindOf(c);
    const write = writable(type, kind);
    const row = findRow(kind, ds(c), c.req.param('key'));
    if (!row) throw notFound(c);
    write(ds(c), row, await bodyOf(c), true);
    return c.body(null, 204);
  });

  // Upsert by external id: create if absent, update if present (the idempotent create).
  app.put('/:type/:key', async (c) => {
    const [type, kind] = kindOf(c);
    const write = writable(type, kind);
    const key = c.req.param('key');
    if (!key.startsWith('eid:') || key.length <= 4) throw new NetSuiteError(400, 'USER_ERROR', 'PUT is only supported with an external id (…/eid:<externalId>) for upsert.', 'id');
    const body = await bodyOf(c);
    const eid = key.slice(4);
    if (body && typeof body === 'object' && 'externalId' in body && (body as { externalId: unknown }).externalId !== eid) {
      throw new NetSuiteError(400, 'USER_ERROR', 'externalId in the body must match the external id in the URL.', 'externalId');
    }
    const withEid = { ...(body as object), externalId: eid };
    const existing = findRow(kind, ds(c), key) ?? null;
    const row = write(ds(c), existing, withEid, existing !== null);
    if (!existing) markCreated(ds(c), row);
    return created(c, type, row.id);
  });

  app.delete('/:type/:key', (c) => {
    const [type, kind] = kindOf(c);
    const row = findRow(kind, ds(c), c.req.param('key'));
    if (!row) throw notFound(c);
    kind.remove(ds(c), row);
    return c.body(null, 204);
  });

  return app;
}
