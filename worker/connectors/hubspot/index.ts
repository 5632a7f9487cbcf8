/** HubSpot as Concord's CRM port (read side for now). */
import type { CrmPort, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { HubSpotClient } from './client.js';
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
}
