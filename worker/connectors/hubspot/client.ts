/**
 * HubSpot through the official client (`@hubspot/api-client`), pointed at the connection's base
 * URL so the same code talks to the sandbox or to api.hubapi.com.
 */
import { Client } from '@hubspot/api-client';
import type { CallContext } from '../http.js';
import { ConcordError } from '../../errors.js';
import { classify } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { hubspotDescriptor as d } from './descriptor.js';
import type { AssociationSpec } from '@hubspot/api-client/lib/codegen/crm/objects/tasks/models/AssociationSpec.js';

export interface HubSpotCompany {
  id: string;
  properties: Record<string, string | null>;
}

/** The official client throws `ApiException`-like errors with `code`, `headers` and `body`. */
function rethrow(err: unknown): never {
  const e = err as { code?: number; headers?: Record<string, string>; body?: unknown };
  if (typeof e?.code === 'number') {
    const body = e.body as { message?: string; category?: string } | undefined;
    throw new ConcordError(classify(d.system, e.code, new Headers(e.headers ?? {}), [body?.category, body?.message].filter(Boolean).join(': ').slice(0, 300)));
  }
  throw new ConcordError({ kind: 'upstream', system: d.system, status: 0, detail: 'network error' });
}

/** An association as v4 lists it: the other record's id and the association type ids. */
export interface HubSpotAssociation {
  toObjectId: string;
  typeIds: number[];
}

/** A create request for an engagement (task), already in HubSpot property names (map.ts). */
export interface HubSpotEngagementInput {
  properties: Record<string, string>;
  associations: { toObjectId: string; associationTypeId: number }[];
}

export class HubSpotClient {
  private readonly client: Client;

  constructor(conn: Connection, ctx: CallContext) {
    const token = conn.credentials.type === 'bearer' ? conn.credentials.accessToken : conn.credentials.apiKey;
    this.client = new Client({
      accessToken: token,
      basePath: conn.baseUrl,
      defaultHeaders: { 'x-correlation-id': ctx.correlationId },
      // Retries and pacing are Concord's limiter's job (connectors issue), not the SDK's.
      numberOfApiCallRetries: 0,
    });
  }

  /** One page of companies; `after` is HubSpot's paging cursor. */
  async companiesPage(after?: string): Promise<{ results: HubSpotCompany[]; after: string | undefined }> {
    try {
      const page = await this.client.crm.companies.basicApi.getPage(d.pageSize, after, d.companyProperties);
      return {
        results: page.results.map((c) => ({ id: c.id, properties: c.properties as Record<string, string | null> })),
        after: page.paging?.next?.after,
      };
    } catch (err) {
      rethrow(err);
    }
  }

  /**
   * Records of `toType` associated with one record (v4, first page of up to 500).
   * https://developers.hubspot.com/docs/api/crm/associations/v4 (GET /crm/v4/objects/{type}/{id}/associations/{toType})
   */
  async associations(fromType: string, id: string, toType: string): Promise<HubSpotAssociation[]> {
    try {
      const page = await this.client.crm.associations.v4.basicApi.getPage(fromType, id, toType, undefined, 500);
      return page.results.map((r) => ({ toObjectId: String(r.toObjectId), typeIds: r.associationTypes.map((t) => t.typeId) }));
    } catch (err) {
      rethrow(err);
    }
  }

  /**
   * Create a task with its associations in one call.
   * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide (POST /crm/v3/objects/tasks)
   */
  async createTask(input: HubSpotEngagementInput): Promise<{ id: string }> {
    try {
      const created = await this.client.crm.objects.tasks.basicApi.create({
        properties: input.properties,
        associations: input.associations.map((a) => ({
          to: { id: a.toObjectId },
          // HubSpot-defined (unlabelled) association types; the SDK types the category as an enum.
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as AssociationSpec['associationCategory'], associationTypeId: a.associationTypeId }],
        })),
      });
      return { id: created.id };
    } catch (err) {
      rethrow(err);
    }
  }
}
