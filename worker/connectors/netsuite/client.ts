/**
 * NetSuite SuiteTalk REST client: SuiteQL with full paging and record reads. Credentials come
 * from the tenant's connection (sandbox bearer token today; OAuth 2.0 M2M with the connectors issue).
 */
import type { z } from 'zod';
import { callUpstream, type CallContext } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { currentAccessToken } from '../auth.js';
import { netsuiteDescriptor as d } from './descriptor.js';
import { CustomerRecordSchema, SuiteQlPageSchema, describeNetSuiteError, type CustomerRecord } from './schemas.js';

/** Quote a SuiteQL string literal (single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** NetSuite internal ids are positive integers; anything else is refused before it reaches a query. */
export function internalId(value: string): string {
  if (!/^\d{1,18}$/.test(value)) throw new TypeError(`not a NetSuite internal id: ${JSON.stringify(value)}`);
  return value;
}

/** Authorization for a refreshed access token (refresh-and-retry path of callUpstream). */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export class NetSuiteClient {
  constructor(
    private readonly conn: Connection,
    private readonly ctx: CallContext,
  ) {}

  private authHeader(): Record<string, string> {
    return { authorization: `Bearer ${currentAccessToken(this.conn)}` };
  }

  /**
   * Run a SuiteQL query and yield validated rows page by page (never the whole result at once).
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async *suiteql<S extends z.ZodType>(q: string, row: S, pageSize: number = d.suiteqlPageSize): AsyncGenerator<z.infer<S>[]> {
    for (let offset = 0; ; offset += pageSize) {
      const { data } = await callUpstream(
        this.ctx,
        {
          system: d.system,
          op: 'suiteql',
          url: `${this.conn.baseUrl}${d.suiteqlPath}?limit=${pageSize}&offset=${offset}`,
          method: 'POST',
          headers: { ...this.authHeader(), prefer: 'transient' },
          auth: bearer,
          body: { q },
          timeoutMs: d.timeoutMs,
        },
        SuiteQlPageSchema,
        describeNetSuiteError,
      );
      yield data.items.map((item) => row.parse(item) as z.infer<S>);
      if (!data.hasMore || data.items.length === 0) return;
    }
  }

  /** All rows of a query; only for queries bounded by construction (one customer's open invoices). */
  async suiteqlAll<S extends z.ZodType>(q: string, row: S): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    for await (const page of this.suiteql(q, row)) out.push(...page);
    return out;
  }

  /** https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2024.2/index.html#tag-customer */
  async customer(id: string): Promise<CustomerRecord> {
    const { data } = await callUpstream(
      this.ctx,
      {
        system: d.system,
        op: 'customer.get',
        url: `${this.conn.baseUrl}${d.recordPath}/customer/${internalId(id)}?expandSubResources=true`,
        headers: this.authHeader(),
        auth: bearer,
        timeoutMs: d.timeoutMs,
      },
      CustomerRecordSchema,
      describeNetSuiteError,
    );
    return data;
  }
}
