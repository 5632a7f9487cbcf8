/** Vitally as Concord's customer-success port. */
import { fail } from '../../errors.js';
import type { CsObjectType } from '../../model/changes.js';
import type { AccountFacts, CsAccountInput, CsAccountSnapshot, CsBulkItem, CsOnboardingInput, CsPort, CsRecordChange, CsWriteResult, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import { TtlMemo } from '../../storage/memo.js';
import type { CallContext } from '../http.js';
import { VitallyClient } from './client.js';
import { changedSince } from './changes.js';
import { vitallyDescriptor as d, vitallyWebAppUrl } from './descriptor.js';
import { escalationsFromConversations, factTraits, healthFromScores, matchRecordFromAccount, milestoneChanges, onboardingFromProjects, ownerTraits, projectWithKey, templateNamed } from './map.js';
import { AccountSchema, ConversationSchema, ProjectSchema, TaskSchema, type VitallyProjectTemplate } from './schemas.js';

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

  /**
   * The workspace-wide lists a backfill reads instead of each account's projects, tasks and
   * conversations (about one call per 100 records of the workspace instead of three per account).
   * Vitally has no workspace-wide list of score histories: `snapshotFromBulk` reads each
   * account's (one call), as `health` does, or answers the listed current score only.
   */
  readonly bulkLists = ['accounts', 'projects', 'tasks', 'conversations'] as const;

  /**
   * One page of a workspace-wide list, each record with the accounts it belongs to and only what
   * the mappers read (map.ts). Left out, as the mappers leave them out: archived projects and
   * tasks, tasks of no project (account tasks are not milestones) and conversations that are not
   * open.
   */
  async readBulkPage(list: string, cursor: string | null): Promise<{ items: CsBulkItem[]; next: string | null }> {
    const keep = <T extends Record<string, unknown>>(o: T, keys: readonly (keyof T & string)[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
    switch (list) {
      case 'accounts': {
        const p = await this.client.listPage('accounts.bulk', '/resources/accounts', AccountSchema, cursor);
        return { next: p.next, items: p.results.map((a) => ({ list, id: a.id, accountIds: [a.id], data: keep(a, ['id', 'name', 'healthScore', 'updatedAt']) })) };
      }
      case 'projects': {
        const p = await this.client.listPage('projects.bulk', '/resources/projects', ProjectSchema, cursor);
        const live = p.results.filter((x) => !x.archivedAt && x.accountId);
        return { next: p.next, items: live.map((x) => ({ list, id: x.id, accountIds: [x.accountId!], data: keep(x, ['id', 'name', 'createdAt', 'actualCompletionDate']) })) };
      }
      case 'tasks': {
        const p = await this.client.listPage('tasks.bulk', '/resources/tasks', TaskSchema, cursor);
        const milestones = p.results.filter((t) => !t.archivedAt && t.accountId && (t.projects ?? []).length > 0);
        return {
          next: p.next,
          items: milestones.map((t) => {
            const state = t.traits?.[d.milestoneStatusTrait];
            const data = { ...keep(t, ['id', 'name', 'createdAt', 'dueDate', 'completedAt']), projects: (t.projects ?? []).map((x) => ({ id: x.id })), traits: state === undefined ? {} : { [d.milestoneStatusTrait]: state } };
            return { list, id: t.id, accountIds: [t.accountId!], data };
          }),
        };
      }
      case 'conversations': {
        const p = await this.client.listPage('conversations.bulk', '/resources/conversations', ConversationSchema, cursor);
        const open = p.results.filter((c) => (c.status ?? 'open').toLowerCase() === 'open' && (c.accounts ?? []).length > 0);
        return {
          next: p.next,
          items: open.map((c) => {
            const priority = c.traits?.[d.conversationPriorityTrait];
            const data = { ...keep(c, ['id', 'subject', 'status', 'createdAt']), traits: priority === undefined ? {} : { [d.conversationPriorityTrait]: priority } };
            return { list, id: c.id, accountIds: [...new Set((c.accounts ?? []).map((a) => a.id))], data };
          }),
        };
      }
      default:
        fail({ kind: 'internal', message: `vitally has no bulk list ${list}` });
    }
  }

  /**
   * The account's snapshot from its records of the bulk lists, as `accountSnapshot` reads it: the
   * score history is read now (one call; the account's own score when it has none, from its
   * listed record), onboarding and escalations come from the lists. With `scoreHistory: false`
   * nothing is read: the health is the current score of the listed record (Vitally's account
   * `healthScore`, the latest point of its history), marked `scoreOnly` (trend, categories and
   * history unknown).
   */
  async snapshotFromBulk(accountId: string, items: readonly CsBulkItem[], opts: { scoreHistory?: boolean } = {}): Promise<CsAccountSnapshot> {
    const of = (list: string) => items.filter((i) => i.list === list).map((i) => i.data);
    const account = of('accounts').map((a) => AccountSchema.parse(a))[0] ?? null;
    const onboarding = onboardingFromProjects(of('projects').map((p) => ProjectSchema.parse(p)), of('tasks').map((t) => TaskSchema.parse(t)));
    const escalations = escalationsFromConversations(of('conversations').map((c) => ConversationSchema.parse(c)));
    if (opts.scoreHistory === false) return { health: healthFromScores([], account), onboarding, escalations, scoreOnly: true };
    const scores = await this.client.healthScores(accountId);
    return { health: healthFromScores(scores, scores.length > 0 ? null : account), onboarding, escalations };
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
