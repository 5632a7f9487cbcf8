/** Vitally as Concord's customer-success port. */
import { fail } from '../../errors.js';
import type { CsObjectType } from '../../model/changes.js';
import type { AccountFacts, CsAccountInput, CsAccountSnapshot, CsOnboardingInput, CsPort, CsRecordChange, CsWriteResult, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import { TtlMemo } from '../../storage/memo.js';
import type { CallContext } from '../http.js';
import { VitallyClient } from './client.js';
import { changedSince } from './changes.js';
import { vitallyDescriptor as d, vitallyWebAppUrl } from './descriptor.js';
import { escalationsFromConversations, factTraits, healthFromScores, matchRecordFromAccount, milestoneChanges, onboardingFromProjects, ownerTraits, projectWithKey, templateNamed } from './map.js';
import type { VitallyProjectTemplate } from './schemas.js';

/** Team members by e-mail and project templates, per workspace (tenant + base URL), per isolate. */
const admins = new TtlMemo<string | null>(d.directoryTtlMs);
const templates = new TtlMemo<VitallyProjectTemplate[]>(d.directoryTtlMs, 100);

export class VitallyCs implements CsPort {
  readonly client: VitallyClient;
  private readonly baseUrl: string;

  private readonly workspace: string;

  constructor(conn: Connection, ctx: CallContext, opts: { timeoutMs?: number } = {}) {
    this.client = new VitallyClient(conn, ctx, opts);
    this.baseUrl = conn.baseUrl;
    this.workspace = `${conn.tenantId}|${conn.baseUrl}`;
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

  /** One GET per account (Vitally reads accounts by id one at a time); a few at once. */
  async accountsByIds(ids: readonly string[]): Promise<MatchRecord[]> {
    const out: MatchRecord[] = [];
    for (let i = 0; i < ids.length; i += 4) {
      const page = await Promise.all(ids.slice(i, i + 4).map((id) => this.client.accountOrNull(id)));
      for (const a of page) if (a) out.push(matchRecordFromAccount(a));
    }
    return out;
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

  /** The poll: records updated since `since`, newest first. */
  changedSince(type: CsObjectType, since: string): AsyncIterable<CsRecordChange[]> {
    return changedSince(this.client, type, since);
  }

  async escalations(accountId: string) {
    return escalationsFromConversations(await this.client.conversations(accountId));
  }

  /**
   * The account with Concord's key (Vitally `externalId`), created or updated in one call, with
   * Concord's facts and its owner as traits. `created` is what Vitally's answer shows: an account
   * whose `createdAt` equals its `updatedAt` was made by this call.
   */
  async upsertAccount(input: CsAccountInput): Promise<CsWriteResult> {
    const adminId = input.ownerEmail ? await this.adminId(input.ownerEmail) : null;
    const traits = { ...(input.facts ? factTraits(input.facts) : {}), ...ownerTraits(input.ownerEmail, adminId) };
    const account = await this.client.upsertAccount({ externalId: input.externalId, name: input.name, ...(Object.keys(traits).length ? { traits } : {}) });
    return { id: account.id, created: account.createdAt !== undefined && account.createdAt === account.updatedAt };
  }

  /**
   * The onboarding project for `input.key`, made once: Concord's project is found by its key trait
   * (Vitally projects have no external id); only when there is none is one made from the template.
   * Then each milestone's due date follows the plan (the template's own offsets may differ) and a
   * milestone the template lacks becomes an account task keyed `<key>:<milestone>`.
   */
  async ensureOnboarding(csAccountId: string, input: CsOnboardingInput): Promise<CsWriteResult> {
    const ownerId = input.ownerEmail ? await this.adminId(input.ownerEmail) : null;
    let project = projectWithKey(await this.client.projects(csAccountId), input.key);
    const created = project === null;
    if (!project) {
      const template = templateNamed(await templates.get(this.workspace, () => this.client.projectTemplates()), input.template);
      if (!template) {
        fail({ kind: 'business', code: 'cs_template_not_found', message: `Vitally has no project template "${input.template}": create it in Vitally or name another in the closed-won onboarding settings.` });
      }
      project = await this.client.createProject({
        templateId: template.id,
        accountId: csAccountId,
        name: input.name,
        targetStartDate: input.startDate,
        ...(ownerId ? { ownedByVitallyUserId: ownerId } : {}),
        traits: { [d.traits.projectKey]: input.key },
      });
    }
    const { dueDates, missing } = milestoneChanges(project.id, await this.client.tasks(csAccountId), input.milestones);
    for (const u of dueDates) await this.client.updateTask(u.taskId, { dueDate: u.dueDate });
    for (const m of missing) {
      await this.client.upsertTask({ accountId: csAccountId, name: m.name, externalId: `${input.key}:${m.key}`, dueDate: m.dueDate, ...(ownerId ? { assignedToId: ownerId } : {}) });
    }
    return { id: project.id, created };
  }

  /** The Vitally team member with this e-mail (remembered per workspace), or null. */
  private adminId(email: string): Promise<string | null> {
    return admins.get(`${this.workspace}|${email.toLowerCase()}`, async () => (await this.client.adminByEmail(email))?.id ?? null);
  }
}
