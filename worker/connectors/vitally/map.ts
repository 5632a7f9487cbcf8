/** Vitally raw shapes -> canonical sections. The only file that knows Vitally field names. */
import type { Escalation, HealthSection, MilestoneView, OnboardingSection } from '../../model/index.js';
import type { AccountFacts, MatchRecord } from '../../ports/index.js';
import { vitallyDescriptor as d } from './descriptor.js';
import type { VitallyAccount, VitallyConversation, VitallyHealthScore, VitallyProject, VitallyTask } from './schemas.js';

/** Vitally scores are 0-10 with one decimal; canonical scores are 0-100. */
export const toCanonicalScore = (score: number) => Math.round(Math.min(d.healthScale, Math.max(0, score)) * (100 / d.healthScale) * 10) / 10;

export function matchRecordFromAccount(a: VitallyAccount): MatchRecord {
  // Traits are free-form per Vitally workspace; `domain` and `country` are the ones Concord reads.
  const trait = (key: string): string | null => {
    const value = a.traits?.[key];
    return typeof value === 'string' ? value : null;
  };
  return { externalId: a.id, name: a.name, domain: trait('domain'), taxId: null, country: trait('country'), city: null, address: null, emails: [], crmHint: a.externalId ?? null };
}

/** History oldest first; the latest point is the current score (the account's own score when there is no history). */
export function healthFromScores(scores: VitallyHealthScore[], account: VitallyAccount | null): Omit<HealthSection, 'trend'> | null {
  const history = [...scores]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((s) => ({ date: s.date.slice(0, 10), score: toCanonicalScore(s.score) }));
  const latest = [...scores].sort((a, b) => a.date.localeCompare(b.date)).at(-1);
  const current = latest?.score ?? account?.healthScore;
  if (current === undefined || current === null) return null;
  return {
    score: toCanonicalScore(current),
    asOf: (latest?.date ?? account?.updatedAt ?? new Date().toISOString()).slice(0, 10),
    history: history.slice(-26),
    signals: Object.entries(latest?.categories ?? {}).map(([name, score]) => ({ name, score: toCanonicalScore(score) })),
  };
}

/** What the milestone-status task trait may say while a task is open. */
const OPEN_STATE: Record<string, MilestoneView['status']> = { in_progress: 'in_progress', blocked: 'blocked', skipped: 'skipped', not_started: 'not_started' };

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

/**
 * The onboarding project (the newest one named like onboarding, else the newest) and its tasks as
 * milestones, ordered by due date. A task is completed when Vitally has `completedAt`; otherwise
 * its state is the milestone-status custom trait (descriptor), else not started. Deleted
 * (archived) projects and tasks are left out.
 */
export function onboardingFromProjects(projects: VitallyProject[], tasks: VitallyTask[]): OnboardingSection | null {
  const live = projects.filter((p) => !p.archivedAt).sort((a, b) => time(b.createdAt) - time(a.createdAt));
  const project = live.find((p) => /onboard/i.test(p.name)) ?? live[0];
  if (!project) return null;
  const milestones: MilestoneView[] = tasks
    .filter((t) => !t.archivedAt && (t.projects ?? []).some((p) => p.id === project.id))
    .sort((a, b) => time(a.dueDate) - time(b.dueDate) || time(a.createdAt) - time(b.createdAt) || a.id.localeCompare(b.id))
    .map((t) => {
      const state = t.traits?.[d.milestoneStatusTrait];
      return {
        id: t.id,
        name: t.name,
        status: t.completedAt ? 'completed' : (typeof state === 'string' ? OPEN_STATE[state] : undefined) ?? 'not_started',
        dueDate: t.dueDate ? new Date(t.dueDate).toISOString().slice(0, 10) : null,
        completedAt: t.completedAt ?? null,
      };
    });
  const status: OnboardingSection['status'] =
    project.actualCompletionDate || (milestones.length > 0 && milestones.every((m) => m.status === 'completed'))
      ? 'completed'
      : milestones.some((m) => m.status === 'blocked')
        ? 'stalled'
        : milestones.some((m) => m.status !== 'not_started')
          ? 'active'
          : 'not_started';
  return { status, milestones };
}

const PRIORITY: Record<string, Escalation['priority']> = { low: 'low', normal: 'medium', medium: 'medium', high: 'high', urgent: 'urgent' };

/**
 * Open conversations, newest first. Vitally's conversation `status` is open or closed; the
 * priority is the conversation's priority trait (descriptor), medium when it has none.
 */
export function escalationsFromConversations(conversations: VitallyConversation[]): Escalation[] {
  return conversations
    .filter((c) => (c.status ?? 'open').toLowerCase() === 'open')
    .map((c) => {
      const priority = c.traits?.[d.conversationPriorityTrait];
      return {
        id: c.id,
        subject: c.subject ?? '(no subject)',
        priority: (typeof priority === 'string' ? PRIORITY[priority.toLowerCase()] : undefined) ?? 'medium',
        status: 'open' as const,
        openedAt: new Date(c.createdAt).toISOString(),
      };
    })
    .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}

/**
 * Concord's facts as Vitally account traits (`concord_<fact>` in snake case), merged into the
 * account's traits so other traits stay. Vitally traits keep JSON types; null clears one.
 * https://docs.vitally.io/en/articles/9880648-rest-api-accounts (traits)
 */
export function factTraits(facts: AccountFacts): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [fact, value] of Object.entries(facts) as [string, string | number | boolean | null | undefined][]) {
    if (value === undefined) continue;
    out[`concord_${fact.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`] = value;
  }
  return out;
}
