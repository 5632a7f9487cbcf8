/**
 * HubSpot through the official client (`@hubspot/api-client`), pointed at the connection's base
 * URL so the same code talks to the sandbox or to api.hubapi.com. Every SDK call runs under the
 * tenant's limiter with Concord's retries (`guarded`); the SDK's own retries are off.
 */
import { Client } from '@hubspot/api-client';
import { z } from 'zod';
import { callUpstream, classify, type CallContext } from '../http.js';
import { ConcordError, type DomainError } from '../../errors.js';
import { guarded, type AttemptResult } from '../limits/guard.js';
import type { Connection } from '../../storage/connections.js';
import { currentAccessToken } from '../auth.js';
import { hubspotDescriptor as d } from './descriptor.js';

export interface HubSpotCompany {
  id: string;
  properties: Record<string, string | null>;
}

/** One company's property changes for a batch upsert. */
export interface HubSpotCompanyInput {
  id: string;
  properties: Record<string, string>;
}

/** Outcome of a batch upsert (HubSpot answers 200, or 207 with per-input errors). */
export interface HubSpotBatchResult {
  ok: number;
  errors: { message: string; ids: string[] }[];
}

/** Longest an SDK call may take (the SDK itself never times out). */
const SDK_TIMEOUT_MS = 10_000;

/** The official client throws `ApiException`-like errors with `code`, `headers` and `body`. */
function failure(err: unknown): { error: DomainError; status: number; headers: Record<string, string> } {
  const e = err as { code?: number; headers?: Record<string, string>; body?: unknown };
  if (typeof e?.code === 'number' && e.code > 0) {
    const raw = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    const body = raw as { message?: string; category?: string } | undefined;
    const detail = [body?.category, body?.message].filter(Boolean).join(': ').slice(0, 300);
    const headers = e.headers ?? {};
    return { error: classify(d.system, e.code, headers, detail), status: e.code, headers };
  }
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  return {
    error: timedOut ? { kind: 'timeout', system: d.system, afterMs: SDK_TIMEOUT_MS } : { kind: 'upstream', system: d.system, status: 0, detail: 'network error' },
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

export class HubSpotClient {
  private readonly client: Client;
  /** For calls made with `fetch` (writes); kept in step with the SDK's token on refresh. */
  private readonly baseUrl: string;
  private token: string;

  constructor(
    conn: Connection,
    private readonly ctx: CallContext,
  ) {
    // The stored token; callers get connections through freshConnection (connectors/auth.ts).
    const token = currentAccessToken(conn);
    this.token = token;
    this.baseUrl = conn.baseUrl.replace(/\/+$/, '');
    this.client = new Client({
      accessToken: token,
      basePath: conn.baseUrl,
      defaultHeaders: { 'x-correlation-id': ctx.correlationId },
      // Retries and pacing are Concord's limiter's job, not the SDK's.
      numberOfApiCallRetries: 0,
    });
  }

  /** Run one SDK call (a `...WithHttpInfo` method, for the limit headers) under the limiter. */
  private run<T>(op: string, call: () => Promise<{ httpStatusCode: number; headers: Record<string, string>; data: T }>, opts: { bucket?: string; idempotent?: boolean } = {}): Promise<T> {
    const refresh = async (system: string) => {
      const token = this.ctx.refreshToken ? await this.ctx.refreshToken(system) : null;
      if (token) {
        this.token = token;
        this.client.setAccessToken(token);
      }
      return token !== null;
    };
    return guarded(
      { system: d.system, op, ...opts },
      { log: this.ctx.log, gate: this.ctx.limits?.(d.system), refresh },
      async (): Promise<AttemptResult<T>> => {
        // The SDK's fetch has no timeout: race it, so a hanging HubSpot is a `timeout` (retried).
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SDK_TIMEOUT_MS)));
        try {
          const res = await Promise.race([call(), timedOut]);
          if (res === 'timeout') return { ok: false, error: { kind: 'timeout', system: d.system, afterMs: SDK_TIMEOUT_MS }, status: 0, headers: {} };
          return { ok: true, value: res.data, status: res.httpStatusCode, headers: res.headers };
        } catch (err) {
          if (err instanceof ConcordError) throw err;
          return { ok: false, ...failure(err) };
        } finally {
          clearTimeout(timer);
        }
      },
    );
  }

  /** One page of companies; `after` is HubSpot's paging cursor. */
  async companiesPage(after?: string): Promise<{ results: HubSpotCompany[]; after: string | undefined }> {
    // https://developers.hubspot.com/docs/api/crm/companies (GET /crm/v3/objects/companies)
    const page = await this.run('companies.page', () => this.client.crm.companies.basicApi.getPageWithHttpInfo(d.pageSize, after, d.companyProperties));
    return {
      results: page.results.map((c) => ({ id: c.id, properties: c.properties as Record<string, string | null> })),
      after: page.paging?.next?.after,
    };
  }

  /**
   * Batch upsert of company properties, at most `d.batchSize` (100) inputs per call.
   * https://developers.hubspot.com/docs/api/crm/companies (POST /crm/v3/objects/companies/batch/upsert)
   * Sent with the platform `fetch` through `callUpstream`, not the SDK: the SDK sends through
   * node-fetch, whose request bodies fail on workerd's `node:http` (GETs work). Same wire format.
   * Upsert by `idProperty` is idempotent, so timeouts and 5xx may be retried.
   */
  async upsertCompanies(inputs: HubSpotCompanyInput[], idProperty = 'hs_object_id'): Promise<HubSpotBatchResult> {
    if (inputs.length > d.batchSize) throw new RangeError(`HubSpot batch upsert takes at most ${d.batchSize} inputs, got ${inputs.length}`);
    const { data } = await callUpstream(
      this.ctx,
      {
        system: d.system,
        op: 'companies.batch_upsert',
        url: `${this.baseUrl}/crm/v3/objects/companies/batch/upsert`,
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}` },
        auth: (token) => {
          this.token = token;
          this.client.setAccessToken(token);
          return { authorization: `Bearer ${token}` };
        },
        body: { inputs: inputs.map((i) => ({ id: i.id, idProperty, properties: i.properties })) },
      },
      BatchUpsertAnswerSchema,
      describeHubSpotError,
    );
    return { ok: data.results.length, errors: (data.errors ?? []).map((e) => ({ message: e.message, ids: Object.values(e.context ?? {}).flat() })) };
  }

  private async send<S extends z.ZodType>(op: string, method: 'GET' | 'POST', path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const { data } = await callUpstream(
      this.ctx,
      {
        system: d.system,
        op,
        url: `${this.baseUrl}${path}`,
        method,
        headers: { authorization: `Bearer ${this.token}` },
        auth: (token) => {
          this.token = token;
          this.client.setAccessToken(token);
          return { authorization: `Bearer ${token}` };
        },
        ...(body === undefined ? {} : { body }),
      },
      schema,
      describeHubSpotError,
    );
    return data;
  }

  /**
   * Create the app's property group and properties on companies where missing (install step).
   * Idempotent: existing ones are left alone, and a 409 from a concurrent install counts as done.
   * https://developers.hubspot.com/docs/api/crm/properties (GET/POST /crm/v3/properties/companies[/groups])
   */
  async ensureOwnProperties(): Promise<{ created: string[] }> {
    const created: string[] = [];
    const tolerate409 = async (name: string, create: () => Promise<unknown>) => {
      try {
        await create();
        created.push(name);
      } catch (err) {
        if (!(err instanceof ConcordError && err.error.kind === 'conflict')) throw err;
      }
    };
    const groups = await this.send('properties.groups', 'GET', '/crm/v3/properties/companies/groups', NamesSchema);
    if (!groups.results.some((g) => g.name === d.propertyGroup.name)) {
      await tolerate409(`group:${d.propertyGroup.name}`, () => this.send('properties.group_create', 'POST', '/crm/v3/properties/companies/groups', CreatedSchema, d.propertyGroup));
    }
    const existing = new Set((await this.send('properties.list', 'GET', '/crm/v3/properties/companies', NamesSchema)).results.map((p) => p.name));
    for (const p of d.ownProperties) {
      if (existing.has(p.name)) continue;
      const body = {
        name: p.name,
        label: p.label,
        type: p.type,
        fieldType: p.fieldType,
        groupName: d.propertyGroup.name,
        ...(p.options ? { options: p.options.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false })) } : {}),
      };
      await tolerate409(p.name, () => this.send('properties.create', 'POST', '/crm/v3/properties/companies', CreatedSchema, body));
    }
    return { created };
  }
}

/** A property or group listing: only the names matter here. */
const NamesSchema = z.object({ results: z.array(z.object({ name: z.string() }).passthrough()) });
const CreatedSchema = z.object({ name: z.string() }).passthrough();

/** 200/207 answer of a batch upsert (only what Concord reads). */
const BatchUpsertAnswerSchema = z.object({
  results: z.array(z.object({ id: z.string() }).passthrough()),
  errors: z.array(z.object({ message: z.string(), context: z.record(z.string(), z.array(z.string())).optional() }).passthrough()).optional(),
});

/** `{category, message}` of HubSpot's error envelope, for logs. */
function describeHubSpotError(body: unknown): string {
  const parsed = z.object({ category: z.string().optional(), message: z.string().optional() }).safeParse(body);
  return parsed.success ? [parsed.data.category, parsed.data.message].filter(Boolean).join(': ') : '';
}
