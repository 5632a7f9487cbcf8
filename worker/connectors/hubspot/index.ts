/** HubSpot as Concord's CRM port: companies for identity matching, card lookups and follow-up tasks. */
import type { CrmPort, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { HubSpotClient } from './client.js';
import { ASSOCIATION_TYPE, companiesOfDeal, matchRecordFromCompany, taskProperties, type FollowUpTask, type HubSpotCardObject } from './map.js';

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

  /** The companies a deal is associated with, primary first. */
  async companiesOfDeal(dealId: string): Promise<string[]> {
    return companiesOfDeal(await this.client.associations('deals', dealId, 'companies'));
  }

  /** Create a follow-up task associated with the company (and the deal it was created from, if any). */
  async createFollowUpTask(task: FollowUpTask, on: { companyId: string | null; from: { type: HubSpotCardObject; id: string } }): Promise<{ id: string }> {
    const associations: { toObjectId: string; associationTypeId: number }[] = [];
    if (on.companyId) associations.push({ toObjectId: on.companyId, associationTypeId: ASSOCIATION_TYPE.taskToCompany });
    if (on.from.type === 'deals') associations.push({ toObjectId: on.from.id, associationTypeId: ASSOCIATION_TYPE.taskToDeal });
    return this.client.createTask({ properties: taskProperties(task), associations });
  }
}
