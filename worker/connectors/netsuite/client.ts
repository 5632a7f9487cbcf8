/**
 * NetSuite SuiteTalk REST client: SuiteQL with full paging, record/v1 reads (single records and
 * collections paged by limit/offset and `links`) and the idempotent upsert by external id.
 * Credentials come from the tenant's connection: a bearer token (OAuth 2.0 M2M or a sandbox
 * token) or token-based authentication, where every attempt is signed afresh (tba.ts).
 */
import { z } from 'zod';
import { ConcordError } from '../../errors.js';
import { callUpstream, type CallContext, type UpstreamRequest } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { currentAccessToken } from '../auth.js';
import { netsuiteDescriptor as d } from './descriptor.js';
import { CollectionPageSchema, CustomerRecordSchema, SuiteQlPageSchema, describeNetSuiteError, type CustomerRecord } from './schemas.js';
import { suiteqlQueries } from './queries.js';
import { tbaAuthorization } from './tba.js';

/** The REST record types Concord reads and writes (record/v1 names). */
export type NetSuiteRecordType = 'customer' | 'salesOrder' | 'invoice' | 'customerPayment' | 'creditMemo' | 'inventoryItem' | 'nonInventorySaleItem' | 'subscription';

/** NetSuite external ids: printable, at most 255 characters; they travel in a URL path segment. */
export function externalIdSegment(externalId: string): string {
  if (!/^[\x21-\x7e]{1,255}$/.test(externalId)) throw new TypeError(`not a usable NetSuite external id: ${JSON.stringify(externalId)}`);
  return `eid:${encodeURIComponent(externalId)}`;
}

export { internalId, isoDate, sqlString } from './sql.js';
import { internalId } from './sql.js';

export class NetSuiteClient {
  private readonly timeoutMs: number;
  /** A token refreshed during this client's life (after a 401): later requests use it instead of the stale one. */
  private refreshed: string | null = null;

  /** `timeoutMs`: per-attempt timeout (default the descriptor's 10 s; interactive callers may want less). */
  constructor(
    private readonly conn: Connection,
    private readonly ctx: CallContext,
    opts: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? d.timeoutMs;
  }

  /** How a request authenticates: TBA signs each attempt; bearer tokens can be refreshed after a 401. */
  private authFor(): Pick<UpstreamRequest, 'headers' | 'sign' | 'auth'> {
    const creds = this.conn.credentials;
    if (creds.type === 'netsuite_tba') {
      return { headers: {}, sign: async (method, url) => ({ authorization: await tbaAuthorization(creds, method, url) }) };
    }
    // Authorization for a refreshed token (callUpstream's refresh-and-retry path), remembered for the next request.
    const auth = (token: string) => {
      this.refreshed = token;
      return { authorization: `Bearer ${token}` };
    };
    return { headers: { authorization: `Bearer ${this.refreshed ?? currentAccessToken(this.conn)}` }, auth };
  }

  private request(op: string, path: string, init: Pick<UpstreamRequest, 'method' | 'body' | 'headers' | 'idempotent'> = {}): UpstreamRequest {
    const a = this.authFor();
    return { system: d.system, op, url: `${this.conn.baseUrl}${path}`, timeoutMs: this.timeoutMs, ...init, ...a, headers: { ...init.headers, ...a.headers } };
  }

  /**
   * Run a SuiteQL query and yield validated rows page by page (never the whole result at once).
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async *suiteql<S extends z.ZodType>(q: string, row: S, pageSize: number = d.suiteqlPageSize): AsyncGenerator<z.infer<S>[]> {
    for (let offset = 0; ; offset += pageSize) {
      // SuiteQL is a read: retrying a POST to it after a timeout or 5xx is safe.
      const { data } = await callUpstream(
        this.ctx,
        this.request('suiteql', `${d.suiteqlPath}?limit=${pageSize}&offset=${offset}`, { method: 'POST', headers: { prefer: 'transient' }, body: { q } }),
        SuiteQlPageSchema,
        describeNetSuiteError,
      );
      yield data.items.map((item) => row.parse(item) as z.infer<S>);
      if (!data.hasMore || data.items.length === 0) return;
    }
  }

  /**
   * One cheap authenticated read (the first customer id): proves credentials before they are stored.
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async probe(): Promise<void> {
    const rows = this.suiteql(suiteqlQueries.probe(), z.object({ id: z.unknown() }), 1);
    await rows.next();
    await rows.return(undefined);
  }

  /** All rows of a query; only for queries bounded by construction (one customer's open invoices). */
  async suiteqlAll<S extends z.ZodType>(q: string, row: S): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    for await (const page of this.suiteql(q, row)) out.push(...page);
    return out;
  }

  /** https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2024.2/index.html#tag-customer */
  async customer(id: string): Promise<CustomerRecord> {
    return this.record('customer', id, CustomerRecordSchema, { expandSubResources: true });
  }

  /**
   * One record by internal id (or `eid:<externalId>` built with `externalIdSegment`).
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html (getting a record instance)
   */
  async record<S extends z.ZodType>(type: NetSuiteRecordType, key: string, schema: S, opts: { expandSubResources?: boolean } = {}): Promise<z.infer<S>> {
    // `eid:` keys come from externalIdSegment (already URL-encoded); nothing else may shape the path.
    const id = key.startsWith('eid:') && /^eid:[A-Za-z0-9%._~!*'()-]{1,800}$/.test(key) ? key : internalId(key);
    const { data } = await callUpstream(
      this.ctx,
      this.request(`${type}.get`, `${d.recordPath}/${type}/${id}${opts.expandSubResources ? '?expandSubResources=true' : ''}`),
      schema,
      describeNetSuiteError,
    );
    return data;
  }

  /**
   * The internal ids of a record type, page by page: `limit`/`offset` on the first page, then the
   * `next` link NetSuite returns (followed only while it stays on this account's REST host).
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156414087576.html (collection paging)
   */
  async *recordIds(type: NetSuiteRecordType, pageSize: number = d.recordPageSize): AsyncGenerator<string[]> {
    let path: string | null = `${d.recordPath}/${type}?limit=${pageSize}&offset=0`;
    while (path) {
      const page: z.infer<typeof CollectionPageSchema> = (await callUpstream(this.ctx, this.request(`${type}.list`, path), CollectionPageSchema, describeNetSuiteError)).data;
      yield page.items.map((i) => i.id);
      const next: string | undefined = page.hasMore ? page.links.find((l) => l.rel === 'next')?.href : undefined;
      path = next ? this.ownPath(next) : null;
    }
  }

  /** A `links` href as a path under this connection's base URL; anything else is refused. */
  private ownPath(href: string): string {
    if (!href.startsWith(`${this.conn.baseUrl}/`)) {
      throw new ConcordError({ kind: 'upstream', system: d.system, status: 200, detail: 'a paging link points outside the account' });
    }
    return href.slice(this.conn.baseUrl.length);
  }

  /**
   * Update some fields of a record: `PATCH /record/v1/{type}/{id}` answers 204. Setting the same
   * values twice is the same update, so a retry after an unknown outcome is safe.
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html (updating a record)
   */
  async patch(type: NetSuiteRecordType, id: string, body: Record<string, unknown>): Promise<void> {
    await callUpstream(this.ctx, this.request(`${type}.patch`, `${d.recordPath}/${type}/${encodeURIComponent(id)}`, { method: 'PATCH', body }), z.unknown(), describeNetSuiteError);
  }

  /**
   * The idempotent create: `PUT /record/v1/{type}/eid:{externalId}` creates the record when no
   * record has that external id and updates it otherwise, so a repeated write (a retry, a
   * redelivered message) never makes a second record. Answers 204 with the record in `Location`.
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156335203191.html (upsert)
   */
  async upsert(type: NetSuiteRecordType, externalId: string, body: Record<string, unknown>): Promise<{ id: string }> {
    const { headers } = await callUpstream(
      this.ctx,
      this.request(`${type}.upsert`, `${d.recordPath}/${type}/${externalIdSegment(externalId)}`, { method: 'PUT', body }),
      z.unknown(),
      describeNetSuiteError,
    );
    const id = /\/(\d+)$/.exec(headers.get('location') ?? '')?.[1];
    if (!id) throw new ConcordError({ kind: 'upstream', system: d.system, status: 204, detail: 'upsert answered without a record location' });
    return { id };
  }
}
