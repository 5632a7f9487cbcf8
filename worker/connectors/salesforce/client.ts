/**
 * Salesforce REST through jsforce (`Connection` from 'jsforce/lib/connection': the package root
 * pulls in the streaming client, which does not load in workerd). Every call is one attempt
 * under Concord's limiter and retries (`guarded`), exactly as the HubSpot client wraps its SDK:
 * - jsforce's own retry loop is off: each request goes out with `retry.methods: []` and a
 *   timeout, through a transport wrapper that also captures the answer's status and headers
 *   (`Sforce-Limit-Info`, `Retry-After`) for the limiter;
 * - jsforce's session refresh is off: the Connection gets no refresh token, OAuth client or
 *   `refreshFn`, so a 401 surfaces as INVALID_SESSION_ID and `guarded` refreshes once through
 *   the vault's single-flight refresher (ctx.refreshToken), then retries with the new token.
 * The connection's base URL is the org's `instance_url`.
 */
import { Connection as JsforceConnection } from 'jsforce/lib/connection';
import type { HttpRequest, HttpRequestOptions } from 'jsforce/lib/types';
import type { z } from 'zod';
import { classify, type CallContext } from '../http.js';
import { ConcordError, type DomainError } from '../../errors.js';
import { guarded, type AttemptResult } from '../limits/guard.js';
import type { Connection } from '../../storage/connections.js';
import { storedToken } from '../../services/oauth/refresh.js';
import { salesforceDescriptor as d } from './descriptor.js';
import { CompositeAnswerSchema, DeletedAnswerSchema, QueryPageSchema, SaveResultsSchema, UpsertAnswerSchema, errorItems, type CompositeSubrequest, type SalesforceErrorItem } from './schemas.js';

/** Options for tests and callers with tighter deadlines. */
export interface SalesforceClientOptions {
  /** Longest one exchange may take (default: the descriptor's). */
  timeoutMs?: number;
}

/** What one record of a Collections call came to, aligned with the input. */
export type SaveOutcome = { ok: true; id: string; created?: boolean } | { ok: false; errors: SalesforceErrorItem[] };

/** One Composite subrequest's answer. */
export interface CompositeOutcome {
  referenceId: string;
  status: number;
  body: unknown;
}

/** jsforce's request retries switched off: Concord's `guarded` is the only retry layer. */
const NO_RETRY: NonNullable<HttpRequestOptions['retry']> = { maxRetries: 0, methods: [], statusCodes: [], errorCodes: [] };

/** How long past the exchange timeout a response body may still take to arrive. */
const BODY_GRACE_MS = 2_000;

interface Capture {
  status: number;
  headers: Record<string, string>;
}

/** The error jsforce throws for an HTTP failure: Salesforce's `errorCode` and `message`, `data` for several. */
interface JsforceHttpError {
  errorCode?: string;
  message?: string;
  data?: unknown;
  name?: string;
}

function describe(err: JsforceHttpError): string {
  const items = Array.isArray(err.data) ? errorItems(err.data) : /^ERROR_HTTP_\d+$/.test(err.errorCode ?? '') ? unexpectedBody(err) : [{ errorCode: err.errorCode ?? '', message: err.message ?? '', fields: fieldsOf(err.data) }];
  return items
    .map((i) => [i.errorCode, i.message].filter(Boolean).join(': ') + (i.fields.length ? ` [${i.fields.join(', ')}]` : ''))
    .join('; ')
    .slice(0, 300);
}

/**
 * jsforce names a body that is not an error array `ERROR_HTTP_<status>` with the raw body as
 * message: keep only Salesforce error entries found in it (e.g. a Composite refusal wrapped in
 * `compositeResponse`), never the raw text.
 */
function unexpectedBody(err: JsforceHttpError): SalesforceErrorItem[] {
  let body: unknown;
  try {
    body = JSON.parse(err.message ?? '');
  } catch {
    return [{ errorCode: err.errorCode ?? '', message: '', fields: [] }];
  }
  const wrapped = (body as { compositeResponse?: { body?: unknown }[] } | null)?.compositeResponse;
  const items = Array.isArray(wrapped) ? wrapped.flatMap((r) => errorItems(r.body)) : errorItems(body);
  return items.length ? items : [{ errorCode: err.errorCode ?? '', message: '', fields: [] }];
}

function fieldsOf(data: unknown): string[] {
  const f = (data as { fields?: unknown } | undefined)?.fields;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

export class SalesforceClient {
  private token: string;
  private readonly instanceUrl: string;
  private readonly timeoutMs: number;

  constructor(
    conn: Connection,
    private readonly ctx: CallContext,
    opts: SalesforceClientOptions = {},
  ) {
    // The stored token; callers get connections through freshConnection (connectors/auth.ts).
    // (Not auth.ts's currentAccessToken: that module pulls in the refresher Durable Object.)
    const token = storedToken(conn.credentials);
    if (!token) throw new ConcordError({ kind: 'auth_expired', system: d.system });
    this.token = token;
    this.instanceUrl = conn.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? d.timeoutMs;
  }

  /** A jsforce Connection for one attempt, its transport capturing the answer's status and headers. */
  private connection(capture: Capture): JsforceConnection {
    const conn = new JsforceConnection({ instanceUrl: this.instanceUrl, accessToken: this.token, version: d.apiVersion });
    const base = conn._transport;
    const transport = Object.create(base) as typeof base;
    const correlationId = this.ctx.correlationId;
    const timeout = this.timeoutMs;
    transport.httpRequest = (req: HttpRequest, options: HttpRequestOptions = {}) => {
      const p = base.httpRequest({ ...req, headers: { ...req.headers, 'x-correlation-id': correlationId } }, { ...options, retry: NO_RETRY, timeout });
      p.then(
        (res) => {
          capture.status = res.statusCode;
          capture.headers = res.headers;
        },
        () => undefined,
      );
      return p;
    };
    conn._transport = transport;
    return conn;
  }

  /** Run one jsforce call under the tenant's limiter with Concord's retries. */
  private run<T>(op: string, call: (conn: JsforceConnection) => Promise<T>, opts: { idempotent?: boolean } = {}): Promise<T> {
    const refresh = async (system: string) => {
      const token = this.ctx.refreshToken ? await this.ctx.refreshToken(system) : null;
      if (token) this.token = token;
      return token !== null;
    };
    return guarded(
      { system: d.system, op, ...(opts.idempotent === false ? { idempotent: false } : {}) },
      { log: this.ctx.log, gate: this.ctx.limits?.(d.system), refresh },
      async (): Promise<AttemptResult<T>> => {
        const capture: Capture = { status: 0, headers: {} };
        const started = Date.now();
        // jsforce's timeout ends at the response headers; a body that stalls is caught here.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error('Request Timeout'), { name: 'TimeoutError' })), this.timeoutMs + BODY_GRACE_MS);
        });
        try {
          const value = await Promise.race([call(this.connection(capture)), stalled]);
          this.ctx.log.debug('upstream.ok', { system: d.system, op, status: capture.status, ms: Date.now() - started });
          return { ok: true, value, status: capture.status, headers: capture.headers };
        } catch (err) {
          if (err instanceof ConcordError) throw err;
          const error = this.failure(err, capture);
          this.ctx.log.warn('upstream.error', { system: d.system, op, status: capture.status, kind: error.kind, ms: Date.now() - started });
          return { ok: false, error, status: capture.status, headers: capture.headers };
        } finally {
          clearTimeout(timer);
        }
      },
    );
  }

  private failure(err: unknown, capture: Capture): DomainError {
    // 300: an upsert's external id matches several records (the answer lists their URLs).
    if (capture.status === 300) return { kind: 'conflict', message: 'salesforce: several records carry this external id' };
    if (capture.status >= 400) return classify(d.system, capture.status, capture.headers, describe(err as JsforceHttpError));
    const name = (err as { name?: string } | null)?.name;
    const timedOut = name === 'AbortError' || name === 'TimeoutError' || (err instanceof Error && err.message === 'Request Timeout');
    if (timedOut) return { kind: 'timeout', system: d.system, afterMs: this.timeoutMs };
    if (capture.status === 0) return { kind: 'upstream', system: d.system, status: 0, detail: 'network error' };
    // An answer that arrived but could not be read (e.g. not JSON).
    return { kind: 'upstream', system: d.system, status: capture.status, detail: 'unreadable response' };
  }

  private parse<S extends z.ZodType>(op: string, schema: S, value: unknown): z.infer<S> {
    const parsed = schema.safeParse(value ?? null);
    if (parsed.success) return parsed.data as z.infer<S>;
    this.ctx.log.error('upstream.schema_mismatch', { system: d.system, op, issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join('.')) });
    throw new ConcordError({ kind: 'upstream', system: d.system, status: 200, detail: 'unexpected response shape' });
  }

  private path(rest: string): string {
    return `/services/data/v${d.apiVersion}${rest}`;
  }

  /**
   * Run a SOQL query and yield validated rows page by page, following `nextRecordsUrl` (each
   * page is one guarded, idempotent call).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query_more_results.htm
   */
  async *query<S extends z.ZodType>(soql: string, row: S, opts: { batchSize?: number; includeDeleted?: boolean } = {}): AsyncGenerator<z.infer<S>[]> {
    const batch = Math.max(d.minQueryBatchSize, Math.min(d.queryBatchSize, opts.batchSize ?? d.queryBatchSize));
    const headers = { 'Sforce-Query-Options': `batchSize=${batch}` };
    // One page per call: no autoFetch; maxFetch above any page (Salesforce may answer more or
    // fewer rows than the batch size asked for, and jsforce would cut a page at maxFetch).
    // `includeDeleted`: `queryAll`, which also returns records in the Recycle Bin (IsDeleted, MasterRecordId).
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
    const pageOptions = { autoFetch: false, headers, maxFetch: Number.MAX_SAFE_INTEGER, scanAll: opts.includeDeleted === true, responseTarget: 'QueryResult' } as const;
    let next: string | undefined;
    let first = true;
    while (first || next) {
      const locator = next;
      const page = this.parse(
        'soql',
        QueryPageSchema,
        // jsforce builds `/query?q=` and `/query/{locator}` itself; autoFetch off: we page.
        await this.run('soql', async (c) => (locator === undefined ? await c.query(soql, pageOptions) : await c.queryMore(locator.split('/').pop() ?? '', pageOptions))),
      );
      first = false;
      yield page.records.map((r) => this.parse('soql.row', row, r) as z.infer<S>);
      next = page.done ? undefined : page.nextRecordsUrl;
    }
  }

  /**
   * Records of `type` deleted in [start, end) (`GET /sobjects/{type}/deleted/?start=&end=`,
   * jsforce `sobject(type).deleted`): ids with their deletion date, the earliest date the delete
   * log still covers and the last date this answer covers (the next call's start). Salesforce
   * cuts seconds off both ends, answers at most 15 days back and refuses a bad span with 400
   * INVALID_REPLICATION_DATE.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
   * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getdeleted_getdeletedresult.htm
   */
  async deleted(type: string, start: Date, end: Date): Promise<z.infer<typeof DeletedAnswerSchema>> {
    return this.parse('sobject.deleted', DeletedAnswerSchema, await this.run('sobject.deleted', (c) => c.sobject(type).deleted(start, end)));
  }

  /** `SELECT COUNT() FROM ...`: the number of matching rows. */
  async count(soql: string): Promise<number> {
    const page = this.parse('soql.count', QueryPageSchema, await this.run('soql.count', async (c) => await c.query(soql, { autoFetch: false })));
    return page.totalSize;
  }

  /**
   * sObject Collections in chunks of `d.collectionsSize` (allOrNone false): per-record outcomes,
   * aligned with `records`. Upserts (PATCH by external id) and updates are idempotent and may be
   * retried after a timeout or 5xx; creates are not (a retry could create twice).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
   */
  async saveMany(
    mode: 'create' | 'update' | 'upsert',
    type: string,
    records: Record<string, unknown>[],
    extIdField?: string,
  ): Promise<SaveOutcome[]> {
    if (mode === 'upsert' && !extIdField) throw new TypeError('upsert needs an external id field');
    const out: SaveOutcome[] = [];
    for (let i = 0; i < records.length; i += d.collectionsSize) {
      const chunk = records.slice(i, i + d.collectionsSize);
      const raw = await this.run(
        `collections.${mode}`,
        (c) => {
          const sobject = c.sobject(type);
          if (mode === 'create') return sobject.create(chunk, { allOrNone: false });
          if (mode === 'update') return sobject.update(chunk as { Id: string }[], { allOrNone: false });
          return sobject.upsert(chunk, extIdField!, { allOrNone: false });
        },
        { idempotent: mode !== 'create' },
      );
      const results = this.parse(`collections.${mode}`, SaveResultsSchema, raw);
      if (results.length !== chunk.length) throw new ConcordError({ kind: 'upstream', system: d.system, status: 200, detail: `collections answered ${results.length} results for ${chunk.length} records` });
      for (const r of results) {
        out.push(r.success && r.id ? { ok: true, id: r.id, ...(r.created !== undefined ? { created: r.created } : {}) } : { ok: false, errors: errorItems(r.errors) });
      }
    }
    return out;
  }

  /**
   * Upsert one record by external id: `PATCH /sobjects/{type}/{field}/{value}` (201 created,
   * 200 updated). Idempotent. A refused record (400) throws `upstream_validation` with its detail.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
   */
  async upsertOne(type: string, extIdField: string, value: string, fields: Record<string, unknown>): Promise<{ id: string; created: boolean }> {
    const url = this.path(`/sobjects/${encodeURIComponent(type)}/${encodeURIComponent(extIdField)}/${encodeURIComponent(value)}`);
    const raw = await this.run('sobject.upsert', (c) =>
      c.request({ method: 'PATCH', url, body: JSON.stringify(fields), headers: { 'content-type': 'application/json' } }, { noContentResponse: { id: null, created: false } }),
    );
    const ans = this.parse('sobject.upsert', UpsertAnswerSchema, raw);
    if (!ans.id) throw new ConcordError({ kind: 'upstream', system: d.system, status: 204, detail: 'upsert answered without the record id' });
    return { id: ans.id, created: ans.created };
  }

  /**
   * One Composite call: at most `d.compositeSize` subrequests, later ones referring to earlier
   * results with `@{referenceId.field}`. Not idempotent unless every subrequest is (the caller says).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
   */
  async composite(subrequests: CompositeSubrequest[], opts: { allOrNone: boolean; idempotent: boolean }): Promise<CompositeOutcome[]> {
    if (subrequests.length === 0) return [];
    if (subrequests.length > d.compositeSize) throw new RangeError(`Composite takes at most ${d.compositeSize} subrequests, got ${subrequests.length}`);
    const body = {
      allOrNone: opts.allOrNone,
      compositeRequest: subrequests.map((s) => ({ method: s.method, url: this.path(s.path), referenceId: s.referenceId, ...(s.body === undefined ? {} : { body: s.body }) })),
    };
    const raw = await this.run('composite', (c) => c.request({ method: 'POST', url: this.path('/composite'), body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }), {
      idempotent: opts.idempotent,
    });
    return this.parse('composite', CompositeAnswerSchema, raw).compositeResponse.map((r) => ({ referenceId: r.referenceId, status: r.httpStatusCode, body: r.body }));
  }

  /**
   * One record by id with the given fields, or null when it does not exist.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_retrieve.htm
   */
  async retrieve<S extends z.ZodType>(type: string, id: string, fields: readonly string[], row: S): Promise<z.infer<S> | null> {
    const url = this.path(`/sobjects/${encodeURIComponent(type)}/${encodeURIComponent(id)}?fields=${fields.map(encodeURIComponent).join(',')}`);
    try {
      return this.parse('sobject.retrieve', row, await this.run('sobject.retrieve', (c) => c.request({ method: 'GET', url }))) as z.infer<S>;
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'not_found') return null;
      throw err;
    }
  }
}
