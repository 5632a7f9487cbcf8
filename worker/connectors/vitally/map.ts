/** Vitally raw shapes -> canonical sections. The only file that knows Vitally field names. */
import type { Escalation, HealthSection, MilestoneView, OnboardingSection } from '../../model/index.js';
import type { MatchRecord } from '../../ports/index.js';
import { vitallyDescriptor as d } from './descriptor.js';
import type { VitallyAccount, VitallyConversation, VitallyHealthScore, VitallyProject } from './schemas.js';

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

const MILESTONE: Record<string, MilestoneView['status']> = {
  not_started: 'not_started',
  in_progress: 'in_progress',
  completed: 'completed',
  blocked: 'blocked',
  skipped: 'skipped',
};

/** The onboarding project (the newest one named like onboarding, else the newest). */
export function onboardingFromProjects(projects: VitallyProject[]): OnboardingSection | null {
  const sorted = [...projects].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  const project = sorted.find((p) => /onboard/i.test(p.name)) ?? sorted[0];
  if (!project) return null;
  const milestones = [...project.tasks]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((t) => ({
      id: t.id,
      name: t.name,
      status: MILESTONE[t.status] ?? 'not_started',
      dueDate: t.dueDate ? t.dueDate.slice(0, 10) : null,
      completedAt: t.completedAt ?? null,
    }));
  const status: OnboardingSection['status'] =
    project.status === 'completed' || (milestones.length > 0 && milestones.every((m) => m.status === 'completed'))
      ? 'completed'
      : project.status === 'blocked' || milestones.some((m) => m.status === 'blocked')
        ? 'stalled'
        : milestones.some((m) => m.status !== 'not_started')
          ? 'active'
          : 'not_started';
  return { status, milestones };
}

const PRIORITY: Record<string, Escalation['priority']> = { low: 'low', normal: 'medium', medium: 'medium', high: 'high', urgent: 'urgent' };
const CASE_STATUS: Record<string, Escalation['status']> = { open: 'open', pending: 'pending', closed: 'closed', resolved: 'resolved' };

/** Unresolved conversations, newest first. */
export function escalationsFromConversations(conversations: VitallyConversation[]): Escalation[] {
  return conversations
    .map((c) => ({
      id: c.id,
      subject: c.subject,
      priority: PRIORITY[c.priority] ?? 'medium',
      status: CASE_STATUS[c.status] ?? 'open',
      openedAt: new Date(c.createdAt).toISOString(),
    }))
    .filter((e) => e.status === 'open' || e.status === 'pending')
    .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
