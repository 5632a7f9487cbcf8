/**
 * The seed's Vitally records as Vitally's REST API writes them, field for field:
 * - Account: https://docs.vitally.io/en/articles/9880654-rest-api-accounts (the Account object)
 * - Project: https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects (no status text and
 *   no embedded tasks: completion is `actualCompletionDate`, tasks are their own resource)
 * - Task: https://docs.vitally.io/en/articles/9880855-rest-api-tasks (done = `completedAt` set;
 *   `projects: [{id, name}]`; custom task traits under `vitally.custom.*` keys)
 * - Conversation: https://docs.vitally.io/en/articles/9880665-rest-api-conversations (`status`
 *   open/closed; integrations put their own fields in `traits`)
 * - Note: https://docs.vitally.io/pushing-data-to-vitally/rest-api/notes
 * The sandbox's onboarding template marks a task's state with the task trait
 * `vitally.custom.milestoneStatus` (`in_progress`, `blocked`) and the conversation's urgency with
 * the conversation trait `priority`, as a Vitally admin would configure custom traits.
 */
import type { VitallyAccount, VitallyConversation, VitallyNote, VitallyProject, VitallyTask } from '../seed/types.js';

/** Task trait carrying a milestone's state while it is not completed. */
export const MILESTONE_STATUS_TRAIT = 'vitally.custom.milestoneStatus';

type Json = Record<string, unknown>;

/** Stable fake uuid derived from an id (owners, CSMs, organizations the seed does not model). */
function uuidFrom(seed: string): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(h);
  const b = hex(Math.imul(h, 2654435761));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${a.slice(1, 4)}-${b}${a.slice(0, 4)}`;
}

/** GET /resources/accounts[/:id]. */
export function accountJson(a: VitallyAccount): Json {
  const num = (k: string) => (typeof a.traits[k] === 'number' ? (a.traits[k] as number) : null);
  return {
    id: a.id,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    externalId: a.externalId,
    name: a.name,
    traits: a.traits,
    organizationId: null,
    accountOwnerId: a.accountOwnerId,
    mrr: a.mrr,
    nextRenewalDate: typeof a.traits.renewalDate === 'string' ? a.traits.renewalDate : null,
    churnedAt: a.churnedAt,
    firstSeenTimestamp: a.createdAt,
    lastSeenTimestamp: a.updatedAt,
    lastInboundMessageTimestamp: null,
    lastOutboundMessageTimestamp: null,
    trialEndDate: null,
    usersCount: num('seats') ?? 0,
    npsDetractorCount: 0,
    npsPassiveCount: 0,
    npsPromoterCount: 0,
    npsScore: null,
    healthScore: a.healthScore,
    csmId: a.accountOwnerId,
    accountExecutiveId: null,
    keyRoles: [],
    segments: [],
  };
}

/** A project's last milestone completion, or null. */
function lastCompletionOf(p: VitallyProject): string | null {
  return p.tasks.map((t) => t.completedAt).filter((d): d is string => d !== null).sort().pop() ?? null;
}

/** The sort fields of `projectJson(p)`, without serializing it (list paging). */
export function projectStamp(p: VitallyProject): { id: string; createdAt: string; updatedAt: string } {
  return { id: p.id, createdAt: p.createdAt, updatedAt: lastCompletionOf(p) ?? p.createdAt };
}

/** The sort fields of `taskJson(p, t)`. */
export function taskStamp(p: VitallyProject, t: VitallyTask): { id: string; createdAt: string; updatedAt: string } {
  return { id: t.id, createdAt: p.createdAt, updatedAt: t.updatedAt ?? t.completedAt ?? p.createdAt };
}

/** The sort fields of `conversationJson(c)`. */
export function conversationStamp(c: VitallyConversation): { id: string; createdAt: string; updatedAt: string } {
  return { id: c.id, createdAt: c.createdAt, updatedAt: c.updatedAt ?? c.createdAt };
}

/** GET /resources/accounts/:id/projects. */
export function projectJson(p: VitallyProject): Json {
  const started = p.tasks.some((t) => t.status !== 'not_started');
  const done = p.status === 'completed' || (p.tasks.length > 0 && p.tasks.every((t) => t.status === 'completed'));
  const lastCompletion = lastCompletionOf(p);
  const lastDue = p.tasks.map((t) => t.dueDate).filter((d): d is string => d !== null).sort().pop() ?? null;
  return {
    id: p.id,
    createdAt: p.createdAt,
    updatedAt: lastCompletion ?? p.createdAt,
    name: p.name,
    accountId: p.accountId,
    organizationId: null,
    // A project made through the API keeps what it was made with (template, dates, owner, traits).
    templateId: p.templateId ?? uuidFrom(`template:${p.name}`),
    durationInDays: null,
    targetStartDate: p.targetStartDate ?? p.createdAt.slice(0, 10),
    actualStartDate: started ? p.createdAt.slice(0, 10) : null,
    targetCompletionDate: p.targetCompletionDate ?? lastDue,
    actualCompletionDate: done ? (lastCompletion ?? p.createdAt).slice(0, 10) : null,
    ownedByVitallyUserId: p.templateId ? (p.ownedByVitallyUserId ?? null) : uuidFrom(`owner:${p.accountId}`),
    projectCategoryId: uuidFrom('category:onboarding'),
    projectStatusId: uuidFrom(`status:${done ? 'completed' : started ? 'in-progress' : 'not-started'}`),
    archivedAt: null,
    traits: p.traits ?? {},
  };
}

/** GET /resources/accounts/:id/tasks: every task of the account's projects. */
export function taskJson(p: VitallyProject, t: VitallyTask): Json {
  const state = t.status === 'in_progress' || t.status === 'blocked' ? { [MILESTONE_STATUS_TRAIT]: t.status } : {};
  return {
    id: t.id,
    createdAt: p.createdAt,
    updatedAt: t.updatedAt ?? t.completedAt ?? p.createdAt,
    externalId: null,
    accountId: p.accountId,
    organizationId: null,
    name: t.name,
    description: null,
    dueDate: t.dueDate,
    assignedToId: uuidFrom(`owner:${p.accountId}`),
    completedAt: t.completedAt,
    completedById: t.completedAt ? uuidFrom(`owner:${p.accountId}`) : null,
    categoryId: null,
    projects: [{ id: p.id, name: p.name }],
    tags: [],
    archivedAt: null,
    traits: state,
  };
}

/**
 * GET /resources/conversations and /resources/accounts/:id/conversations (messages are a separate
 * resource). `accounts` are the conversation's accounts, "associated implicitly via Message to and
 * from" (https://docs.vitally.io/en/articles/9880665-rest-api-conversations); here the one it is
 * seeded or opened on, as a reference (id, externalId, name).
 */
export function conversationJson(c: VitallyConversation, account?: VitallyAccount): Json {
  return {
    id: c.id,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt ?? c.createdAt,
    externalId: null,
    externalUrl: null,
    subject: c.subject,
    traits: { priority: c.priority },
    status: c.status === 'closed' ? 'closed' : 'open',
    rating: null,
    source: 'zendesk',
    accounts: [{ id: c.accountId, externalId: account?.externalId ?? null, name: account?.name ?? null }],
  };
}

/** POST /resources/notes and GET /resources/accounts/:id/notes. */
export function noteJson(n: VitallyNote): Json {
  return {
    id: n.id,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt ?? n.createdAt,
    externalId: n.externalId,
    accountId: n.accountId,
    organizationId: null,
    note: n.note,
    noteDate: n.noteDate,
    subject: n.subject,
    authorId: n.authorId,
    categoryId: null,
    archivedAt: null,
    tags: n.tags ?? [],
    traits: n.traits ?? {},
  };
}
