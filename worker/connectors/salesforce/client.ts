/**
 * Salesforce REST client: SOQL with `nextRecordsUrl` paging. Plain REST through the shared HTTP
 * helper (limits, retries, typed errors); the connection's base URL is the org's `instance_url`.
 */
import type { z } from 'zod';
import { callUpstream, type CallContext } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { salesforceDescriptor as d } from './descriptor.js';
import { QueryPageSchema, describeSalesforceError } from './schemas.js';

export class SalesforceClient {
  constructor(
    private readonly conn: Connection,
    private readonly ctx: CallContext,
  ) {}

  private auth(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  private token(): string {
    const c = this.conn.credentials as { accessToken?: string; apiKey?: string };
    return c.accessToken ?? c.apiKey ?? '';
  }

  /**
   * Run a SOQL query and yield validated records page by page.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
   */
  async *query<S extends z.ZodType>(soql: string, row: S): AsyncGenerator<z.infer<S>[]> {
    let path: string | undefined = `/services/data/v${d.apiVersion}/query?q=${encodeURIComponent(soql)}`;
    while (path) {
      const { data }: { data: z.infer<typeof QueryPageSchema> } = await callUpstream(
        this.ctx,
        {
          system: d.system,
          op: 'soql',
          url: `${this.conn.baseUrl}${path}`,
          headers: { ...this.auth(this.token()), 'sforce-query-options': `batchSize=${d.queryBatchSize}` },
          auth: (t) => this.auth(t),
          timeoutMs: d.timeoutMs,
        },
        QueryPageSchema,
        describeSalesforceError,
      );
      yield data.records.map((r) => row.parse(r) as z.infer<S>);
      path = data.done ? undefined : data.nextRecordsUrl;
    }
  }
}
