/** Vitally as Concord's customer-success port. */
import type { CsPort, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { VitallyClient } from './client.js';
import { escalationsFromConversations, healthFromScores, matchRecordFromAccount, onboardingFromProjects } from './map.js';

export class VitallyCs implements CsPort {
  readonly client: VitallyClient;

  constructor(conn: Connection, ctx: CallContext) {
    this.client = new VitallyClient(conn, ctx);
  }

  async *accounts(): AsyncIterable<MatchRecord[]> {
    for await (const page of this.client.listAccounts()) yield page.map(matchRecordFromAccount);
  }

  async health(accountId: string) {
    const [account, scores] = await Promise.all([this.client.account(accountId), this.client.healthScores(accountId)]);
    return healthFromScores(scores, account);
  }

  async onboarding(accountId: string) {
    return onboardingFromProjects(await this.client.projects(accountId));
  }

  async escalations(accountId: string) {
    return escalationsFromConversations(await this.client.conversations(accountId));
  }
}
