/**
 * HubSpot through the official client (`@hubspot/api-client`), pointed at the connection's base
 * URL so the same code talks to the sandbox or to api.hubapi.com. Every SDK call runs under the
 * tenant's limiter with Concord's retries (`guarded`); the SDK's own retries are off. Request
 * bodies go through the platform fetch (node-fetch is aliased to worker/shims/node-fetch.ts).
 */
import { Client } from '@hubspot/api-client';
import { classify, type CallContext } from '../http.js';
import { ConcordError, type DomainError } from '../../errors.js';
import { guarded, type AttemptResult } from '../limits/guard.js';
import type { Connection } from '../../storage/connections.js';
import { currentAccessToken } from '../auth.js';
import { hubspotDescriptor as d, type OwnProperty } from './descriptor.js';
import { associationsFromPage, type AssociationInput, type HubSpotAssociation, type HubSpotObject, type HubSpotObjectType, type HubSpotOwner, type HubSpotPipeline } from './map.js';

export type { HubSpotCompany } from './map.js';

/** One company's property changes for a batch update (`id`: the HubSpot record id). */
export interface HubSpotCompanyInput {
  id: string;
  properties: Record<string, string>;
}

/** Outcome of a batch update (HubSpot answers 200, or 207 with per-input errors). */
export interface HubSpotBatchResult {
  ok: number;
  errors: { message: string; ids: string[] }[];
}

/** Per-client call settings (the card uses fewer, shorter attempts). */
export interface HubSpotClientOptions {
  timeoutMs?: number;
  maxAttempts?: number;
}

/** What the SDK's `...WithHttpInfo` methods resolve to. */
interface HttpInfo<T> {
  httpStatusCode: number;
  headers: Record<string, string>;
  data: T;
}

/** A HubSpot batch answer (200, or 207 multi-status with `errors`). */
interface BatchAnswer<R> {
  results: R[];
  errors?: { message: string; category?: string; context?: Record<string, string[]> }[];
}

/** The official client throws `ApiException`-like errors with `code`, `headers` and `body`. */
function failure(err: unknown, timeoutMs: number): { error: DomainError; status: number; headers: Record<string, string> } {
  const e = err as { code?: number; headers?: Record<string, string>; body?: unknown };
  if (typeof e?.code === 'number' && e.code > 0) {
    const raw = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    const headers = e.headers ?? {};
    return { error: classify(d.system, e.code, headers, describeHubSpotError(raw).slice(0, 300)), status: e.code, headers };
  }
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  return {
    error: timedOut ? { kind: 'timeout', system: d.system, afterMs: timeoutMs } : { kind: 'upstream', system: d.system, status: 0, detail: 'network error' },
    status: 0,
    headers: {},
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `{category, message}` of HubSpot's error envelope (whitelisted: never the raw body). */
export function describeHubSpotError(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as { category?: unknown; message?: unknown };
  return [b.category, b.message].filter((v): v is string => typeof v === 'string' && v.length > 0).join(': ');
}

/** Split into chunks of at most `size`. */
function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const asObject = (o: { id: string; properties: Record<string, string | null> }): HubSpotObject => ({ id: o.id, properties: o.properties });

export class HubSpotClient {
  private readonly client: Client;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number | undefined;

  constructor(
    conn: Connection,
    private readonly ctx: CallContext,
    opts: HubSpotClientOptions = {},
  ) {
    // The stored token; callers get connections through freshConnection (connectors/auth.ts).
    this.timeoutMs = opts.timeoutMs ?? d.timeoutMs;
    this.maxAttempts = opts.maxAttempts;
    this.client = new Client({
      accessToken: currentAccessToken(conn),
      basePath: conn.baseUrl.replace(/\/+$/, ''),
      defaultHeaders: { 'x-correlation-id': ctx.correlationId },
      // Retries and pacing are Concord's limiter's job, not the SDK's.
      numberOfApiCallRetries: 0,
    });
  }

  /**
   * Run one SDK call (a `...WithHttpInfo` method, for the limit headers) under the limiter.
   * `idempotent: false` for creates: a timeout or 5xx is then not retried (HubSpot may have acted).
   */
  private run<T>(op: string, call: () => Promise<HttpInfo<T>>, opts: { bucket?: string; idempotent?: boolean } = {}): Promise<T> {
    const refresh = async (system: string) => {
      const token = this.ctx.refreshToken ? await this.ctx.refreshToken(system) : null;
      if (token) this.client.setAccessToken(token);
      return token !== null;
    };
    return guarded(
      { system: d.system, op, ...opts, ...(this.maxAttempts ? { maxAttempts: this.maxAttempts } : {}) },
      { log: this.ctx.log, gate: this.ctx.limits?.(d.system), refresh },
      async (): Promise<AttemptResult<T>> => {
        // The SDK's fetch has no timeout: race it, so a hanging HubSpot is a `timeout` (retried).
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeoutMs)));
        const started = Date.now();
        try {
          const res = await Promise.race([call(), timedOut]);
          if (res === 'timeout') {
            this.ctx.log.warn('upstream.failed', { system: d.system, op, ms: Date.now() - started, reason: 'timeout' });
            return { ok: false, error: { kind: 'timeout', system: d.system, afterMs: this.timeoutMs }, status: 0, headers: {} };
          }
          this.ctx.log.debug('upstream.ok', { system: d.system, op, status: res.httpStatusCode, ms: Date.now() - started });
          return { ok: true, value: res.data, status: res.httpStatusCode, headers: res.headers };
        } catch (err) {
          if (err instanceof ConcordError) throw err;
          const f = failure(err, this.timeoutMs);
          this.ctx.log.warn('upstream.error', { system: d.system, op, status: f.status, kind: f.error.kind, ms: Date.now() - started });
          return { ok: false, ...f };
        } finally {
          clearTimeout(timer);
        }
      },
    );
  }

  /** One page of companies; `after` is HubSpot's paging cursor. */
  async companiesPage(after?: string): Promise<{ results: HubSpotObject[]; after: string | undefined }> {
    // https://developers.hubspot.com/docs/api/crm/companies (GET /crm/v3/objects/companies)
    const page = await this.run('companies.page', () => this.client.crm.companies.basicApi.getPageWithHttpInfo(d.pageSize, after, d.companyProperties));
    return { results: page.results.map(asObject), after: page.paging?.next?.after };
  }

  /**
   * Objects by id, 100 ids per call; ids HubSpot does not know (reported in a 207) are left out.
   * https://developers.hubspot.com/docs/api/crm/companies (POST /crm/v3/objects/{type}/batch/read)
   */
  async batchRead(type: HubSpotObjectType, ids: string[], properties: string[]): Promise<HubSpotObject[]> {
    const unique = [...new Set(ids)];
    const out: HubSpotObject[] = [];
    for (const batch of chunks(unique, d.batchSize)) {
      const input = { inputs: batch.map((id) => ({ id })), properties, propertiesWithHistory: [] };
      const api = type === 'line_items' ? this.client.crm.lineItems.batchApi : this.client.crm[type].batchApi;
      // A read changes nothing: retried on timeouts and 5xx like any GET.
      const res = (await this.run(`${type}.batch_read`, () => api.readWithHttpInfo(input, false))) as BatchAnswer<{ id: string; properties: Record<string, string | null> }>;
      out.push(...res.results.map(asObject));
    }
    const order = new Map(unique.map((id, i) => [id, i]));
    return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  /**
   * Ids of the `to` records associated with one record, every page, with their association types.
   * https://developers.hubspot.com/docs/api/crm/associations/v4 (GET /crm/v4/objects/{from}/{id}/associations/{to})
   */
  async associations(from: string, id: string, to: string): Promise<HubSpotAssociation[]> {
    const out: HubSpotAssociation[] = [];
    let after: string | undefined;
    do {
      const page = await this.run(`associations.${from}_${to}`, () => this.client.crm.associations.v4.basicApi.getPageWithHttpInfo(from, id, to, after, d.associationPageSize));
      out.push(...associationsFromPage(page));
      after = page.paging?.next?.after;
    } while (after);
    return out;
  }

  /**
   * The associated records of many records at once (100 per call), with their association types;
   * records without any are simply absent (HubSpot reports them as per-input errors in a 207).
   * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associations-v4/guide
   * (POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read)
   */
  async batchAssociations(from: HubSpotObjectType, to: HubSpotObjectType, ids: string[]): Promise<Map<string, HubSpotAssociation[]>> {
    const out = new Map<string, HubSpotAssociation[]>();
    for (const batch of chunks([...new Set(ids)], d.batchSize)) {
      const body = { inputs: batch.map((id) => ({ id })) };
      const res = await this.run(`associations.batch_${from}_${to}`, () => this.client.crm.associations.v4.batchApi.getPageWithHttpInfo(from, to, body));
      for (const r of res.results) out.set(String(r._from.id), associationsFromPage({ results: r.to }));
    }
    return out;
  }

  /**
   * One owner (a HubSpot user) by owner id, or null when HubSpot has no such active owner.
   * https://developers.hubspot.com/docs/api/crm/owners (GET /crm/v3/owners/{ownerId})
   */
  async owner(ownerId: string): Promise<HubSpotOwner | null> {
    try {
      const o = await this.run('owners.get', () => this.client.crm.owners.ownersApi.getByIdWithHttpInfo(Number(ownerId), 'id', false));
      return { id: o.id, email: o.email ?? null, firstName: o.firstName ?? null, lastName: o.lastName ?? null };
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'not_found') return null;
      throw err;
    }
  }

  /**
   * Every deal pipeline with its stages.
   * https://developers.hubspot.com/docs/api/crm/pipelines (GET /crm/v3/pipelines/deals)
   */
  async dealPipelines(): Promise<HubSpotPipeline[]> {
    const res = await this.run('pipelines.deals', () => this.client.crm.pipelines.pipelinesApi.getAllWithHttpInfo('deals'));
    return res.results.map((p) => ({ id: p.id, stages: p.stages.map((s) => ({ id: s.id, archived: s.archived, metadata: s.metadata })) }));
  }

  /**
   * Batch update of company properties by record id, at most `d.batchSize` (100) inputs per call,
   * each id once. Not an upsert: HubSpot upserts only by a unique-value property and refuses the
   * record id as `idProperty` ("Unable to perform update/upsert by non-unique 0-2 property
   * hs_object_id"); Concord updates companies it already knows, so it names them by id.
   * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/batch/update-companies
   * An update is idempotent, so timeouts and 5xx may be retried. 207 multi-status answers carry
   * per-input errors (unknown ids); they are reported, not thrown.
   */
  async updateCompanies(inputs: HubSpotCompanyInput[]): Promise<HubSpotBatchResult> {
    if (inputs.length > d.batchSize) throw new RangeError(`HubSpot batch update takes at most ${d.batchSize} inputs, got ${inputs.length}`);
    const body = { inputs: inputs.map((i) => ({ id: i.id, properties: i.properties })) };
    const res = (await this.run('companies.batch_update', () => this.client.crm.companies.batchApi.updateWithHttpInfo(body))) as BatchAnswer<{ id: string }>;
    return { ok: res.results.length, errors: (res.errors ?? []).map((e) => ({ message: e.message, ids: Object.values(e.context ?? {}).flat() })) };
  }

  /**
   * Batch update of deal properties by record id (at most 100 inputs, each id once); per-input
   * failures (207) are reported, not thrown. An update is idempotent, so it is retried like a read.
   * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/deals/batch/update-deals
   */
  async updateDeals(inputs: { id: string; properties: Record<string, string> }[]): Promise<HubSpotBatchResult> {
    if (inputs.length > d.batchSize) throw new RangeError(`HubSpot batch update takes at most ${d.batchSize} inputs, got ${inputs.length}`);
    const res = (await this.run('deals.batch_update', () => this.client.crm.deals.batchApi.updateWithHttpInfo({ inputs }))) as BatchAnswer<{ id: string }>;
    return { ok: res.results.length, errors: (res.errors ?? []).map((e) => ({ message: e.message, ids: Object.values(e.context ?? {}).flat() })) };
  }

  /**
   * Update one deal's properties (an update with the same values is a no-op, so it is retried
   * like a read).
   * https://developers.hubspot.com/docs/api/crm/deals (PATCH /crm/v3/objects/deals/{dealId})
   */
  async updateDeal(dealId: string, properties: Record<string, string>): Promise<void> {
    await this.run('deals.update', () => this.client.crm.deals.basicApi.updateWithHttpInfo(dealId, { properties }));
  }

  /**
   * Create a task with its associations. Not idempotent on HubSpot's side: callers dedupe through
   * an IdempotencyLedger, and a timeout or 5xx is not retried here.
   * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide (POST /crm/v3/objects/tasks)
   */
  async createTask(properties: Record<string, string>, associations: AssociationInput[]): Promise<{ id: string }> {
    const input = { properties, associations } as Parameters<Client['crm']['objects']['tasks']['basicApi']['createWithHttpInfo']>[0];
    const created = await this.run('tasks.create', () => this.client.crm.objects.tasks.basicApi.createWithHttpInfo(input), { idempotent: false });
    return { id: created.id };
  }

  /**
   * Create a note with its associations (same idempotency rule as tasks).
   * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/notes/guide (POST /crm/v3/objects/notes)
   */
  async createNote(properties: Record<string, string>, associations: AssociationInput[]): Promise<{ id: string }> {
    const input = { properties, associations } as Parameters<Client['crm']['objects']['notes']['basicApi']['createWithHttpInfo']>[0];
    const created = await this.run('notes.create', () => this.client.crm.objects.notes.basicApi.createWithHttpInfo(input), { idempotent: false });
    return { id: created.id };
  }

  /**
   * Create the app's property group and properties on companies and deals where missing (install
   * step). Idempotent: existing ones are left alone, and a 409 from a concurrent install counts as
   * done. Deal properties are reported as `deals:<name>`.
   * https://developers.hubspot.com/docs/api/crm/properties (GET/POST /crm/v3/properties/{objectType}[/groups])
   */
  async ensureOwnProperties(): Promise<{ created: string[] }> {
    const created: string[] = [];
    for (const [objectType, own] of [
      ['companies', d.ownProperties],
      ['deals', d.ownDealProperties],
    ] as const) {
      created.push(...(await this.ensureProperties(objectType, own)).map((name) => (objectType === 'companies' ? name : `${objectType}:${name}`)));
    }
    return { created };
  }

  private async ensureProperties(objectType: 'companies' | 'deals', own: readonly OwnProperty[]): Promise<string[]> {
    const created: string[] = [];
    const tolerate409 = async (name: string, create: () => Promise<unknown>) => {
      try {
        await create();
        created.push(name);
      } catch (err) {
        if (!(err instanceof ConcordError && err.error.kind === 'conflict')) throw err;
      }
    };
    const props = this.client.crm.properties;
    const groups = await this.run('properties.groups', () => props.groupsApi.getAllWithHttpInfo(objectType));
    if (!groups.results.some((g) => g.name === d.propertyGroup.name)) {
      await tolerate409(`group:${d.propertyGroup.name}`, () => this.run('properties.group_create', () => props.groupsApi.createWithHttpInfo(objectType, d.propertyGroup)));
    }
    const existing = new Set((await this.run('properties.list', () => props.coreApi.getAllWithHttpInfo(objectType))).results.map((p) => p.name));
    for (const p of own) {
      if (existing.has(p.name)) continue;
      const body = {
        name: p.name,
        label: p.label,
        type: p.type,
        fieldType: p.fieldType,
        groupName: d.propertyGroup.name,
        ...(p.options ? { options: p.options.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false })) } : {}),
      } as Parameters<typeof props.coreApi.createWithHttpInfo>[1];
      await tolerate409(p.name, () => this.run('properties.create', () => props.coreApi.createWithHttpInfo(objectType, body)));
    }
    return created;
  }

}
