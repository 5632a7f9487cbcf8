/** HubSpot as Concord's CRM port. */
import type { CompanyPropertyUpdate, CompanyUpdateResult, CrmPort, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { HubSpotClient } from './client.js';
import { hubspotDescriptor as d } from './descriptor.js';
import { matchRecordFromCompany } from './map.js';

export class HubSpotCrm implements CrmPort {
  readonly client: HubSpotClient;

  constructor(conn: Connection, ctx: CallContext) {
    this.client = new HubSpotClient(conn, ctx);
  }

  async *companies(): AsyncIterable<MatchRecord[]> {
    let after: string | undefined;
    do {
      const page = await this.client.companiesPage(after);
      yield page.results.map(matchRecordFromCompany);
      after = page.after;
    } while (after);
  }

  /**
   * Batches of 100 (HubSpot's batch limit), `concurrency` in flight so the limiter, not the
   * round-trip time, sets the pace. Per-input failures (207) are reported, not thrown.
   */
  async updateCompanies(updates: CompanyPropertyUpdate[], opts: { concurrency?: number } = {}): Promise<CompanyUpdateResult> {
    const batches: CompanyPropertyUpdate[][] = [];
    for (let i = 0; i < updates.length; i += d.batchSize) batches.push(updates.slice(i, i + d.batchSize));
    const result: CompanyUpdateResult = { updated: 0, calls: 0, failed: [] };
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const res = await this.client.upsertCompanies(batch.map((u) => ({ id: u.externalId, properties: u.properties })));
        result.calls += 1;
        result.updated += res.ok;
        for (const e of res.errors) result.failed.push(...e.ids.map((externalId) => ({ externalId, message: e.message })));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, batches.length)) }, worker));
    return result;
  }
}
