/** Vitally as Concord's customer-success port. */
import type { AccountFacts, CsAccountSnapshot, CsPort, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { VitallyClient } from './client.js';
import { vitallyWebAppUrl } from './descriptor.js';
import { escalationsFromConversations, factTraits, healthFromScores, matchRecordFromAccount, onboardingFromProjects } from './map.js';

export class VitallyCs implements CsPort {
  readonly client: VitallyClient;
  private readonly baseUrl: string;

  constructor(conn: Connection, ctx: CallContext, opts: { timeoutMs?: number } = {}) {
    this.client = new VitallyClient(conn, ctx, opts);
    this.baseUrl = conn.baseUrl;
  }

  /** healthScores, projects, tasks and conversations, started together. */
  readonly snapshotCalls = 4;

  async accountSnapshot(accountId: string): Promise<CsAccountSnapshot> {
    const [health, onboarding, escalations] = await Promise.all([this.health(accountId), this.onboarding(accountId), this.escalations(accountId)]);
    return { health, onboarding, escalations };
  }

  webAppUrl(): string | null {
    return vitallyWebAppUrl(this.baseUrl);
  }

  async *accounts(): AsyncIterable<MatchRecord[]> {
    for await (const page of this.client.listAccounts()) yield page.map(matchRecordFromAccount);
  }

  /** From the score history; the account itself is read only when it has no history (saves quota). */
  async health(accountId: string) {
    const scores = await this.client.healthScores(accountId);
    return healthFromScores(scores, scores.length > 0 ? null : await this.client.account(accountId));
  }

  async setTraits(accountId: string, traits: Record<string, string | number | boolean | null>): Promise<void> {
    await this.client.updateTraits(accountId, traits);
  }

  /** Concord's facts as `concord_*` traits (merged: the account's other traits stay). */
  async writeAccountFacts(accountId: string, facts: AccountFacts): Promise<void> {
    const traits = factTraits(facts);
    if (Object.keys(traits).length > 0) await this.client.updateTraits(accountId, traits);
  }

  async addNote(accountId: string, note: { subject: string; body: string; idempotencyKey: string }): Promise<{ id: string }> {
    const created = await this.client.addNote(accountId, { subject: note.subject, note: note.body, externalId: note.idempotencyKey, noteDate: new Date().toISOString() });
    return { id: created.id };
  }

  async onboarding(accountId: string) {
    const [projects, tasks] = await Promise.all([this.client.projects(accountId), this.client.tasks(accountId)]);
    return onboardingFromProjects(projects, tasks);
  }

  async escalations(accountId: string) {
    return escalationsFromConversations(await this.client.conversations(accountId));
  }
}
