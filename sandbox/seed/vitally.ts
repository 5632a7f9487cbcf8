/**
 * Vitally accounts for a tenant's paying customers: CRM-keyed (externalId = HubSpot company id)
 * for most, domain-only for the rest; 12 weeks of health history with declining and improving
 * trends; onboarding projects with tasks; escalation conversations.
 * Shapes after https://docs.vitally.io/en/articles/9880209-rest-api-overview
 */
import { addDays, isoAt, stampAt, type Prng } from './prng.js';
import { SHORT_FORM } from './legal.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import type { CustomerPlan } from './plan.js';
import type { TruthCustomer, VitallyAccount, VitallyDataset, VitallyProject, VitallyTask } from './types.js';

const TASKS = ['Kickoff', 'Technical setup', 'Data migration', 'Integration', 'Training', 'Go-live'];
const SUBJECTS = ['Invoice dispute escalation', 'SSO login failures', 'Data sync failing since upgrade', 'Renewal pricing concerns', 'Performance degradation in EU region', 'Executive escalation: missed SLA'];

const clamp = (x: number) => Math.round(Math.min(10, Math.max(0, x)) * 10) / 10;

/** Build the Vitally dataset and record account ids in the truth list. */
export function buildVitally(rng: Prng, plans: CustomerPlan[], truth: Map<string, TruthCustomer>, anchor: string, subdomain: string): VitallyDataset {
  const ds: VitallyDataset = { subdomain, accounts: [], healthScores: [], projects: [], conversations: [], notes: [] };
  const csms = Array.from({ length: 5 }, () => ({ id: rng.uuid(), name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}` }));

  for (const p of plans.filter((x) => x.inVitally)) {
    const t = truth.get(p.key)!;
    const hsId = t.hubspotCompanyIds[0];
    const externalId = hsId && rng.chance(0.9) ? hsId : null;
    const csm = rng.pick(csms);
    const traits: VitallyAccount['traits'] = {
      segment: p.arr >= 90000 ? 'Enterprise' : p.arr >= 24000 ? 'Mid-Market' : 'SMB',
      csm: csm.name,
      region: p.place.country,
      country: p.place.country,
      plan: p.arr >= 90000 ? 'Enterprise' : p.arr >= 24000 ? 'Growth' : 'Starter',
    };
    // Without a CRM key the account can only be found by its domain.
    if (!externalId || rng.chance(0.6)) traits.domain = rng.chance(0.85) ? p.domain : `app.${p.domain}`;
    const account: VitallyAccount = {
      id: rng.uuid(),
      externalId,
      name: p.family ? `${p.base} (${p.place.country})` : rng.chance(0.8) ? p.base : rng.pick([p.base.toLowerCase(), `${p.base} (${p.place.country})`, `${p.base} ${SHORT_FORM[p.place.country]}`, `${p.base} - Main`]),
      traits,
      healthScore: null,
      mrr: Math.round((p.arr / 12) * 100) / 100,
      accountOwnerId: csm.id,
      churnedAt: rng.chance(0.02) ? isoAt(anchor, -rng.int(5, 90), 10) : null,
      createdAt: isoAt(anchor, -Math.max(20, p.ageDays - rng.int(30, 90)), 9),
      updatedAt: stampAt(anchor, anchor, -rng.int(0, 7), 9),
    };
    ds.accounts.push(account);
    t.vitallyAccountIds.push(account.id);

    // Weekly health points, newest last; ~3% are too new to have a score.
    if (!rng.chance(0.03)) {
      const trend = rng.weighted({ declining: 20, improving: 20, stable: 60 });
      const slope = trend === 'declining' ? -(0.25 + rng.next() * 0.3) : trend === 'improving' ? 0.2 + rng.next() * 0.3 : 0;
      let score = trend === 'declining' ? 6 + rng.next() * 3.5 : trend === 'improving' ? 1.5 + rng.next() * 4 : 3 + rng.next() * 6.5;
      for (let w = 11; w >= 0; w--) {
        const s = clamp(score + (rng.next() - 0.5) * 0.6);
        ds.healthScores.push({
          id: rng.uuid(), accountId: account.id, score: s, date: addDays(anchor, -7 * w),
          categories: { productUsage: clamp(s + (rng.next() - 0.5) * 3), support: clamp(s + (rng.next() - 0.5) * 3), engagement: clamp(s + (rng.next() - 0.5) * 3) },
        });
        account.healthScore = s;
        score += slope;
      }
    }

    if (rng.chance(0.65)) ds.projects.push(project(rng, account.id, anchor));
    if (rng.chance(0.1)) {
      for (let i = rng.int(1, 3); i > 0; i--) {
        ds.conversations.push({
          id: rng.uuid(), accountId: account.id, subject: rng.pick(SUBJECTS), priority: rng.pick(['low', 'normal', 'high', 'urgent'] as const),
          status: rng.pick(['open', 'pending', 'closed'] as const), createdAt: stampAt(anchor, anchor, -rng.int(0, 60), rng.int(8, 18)),
        });
      }
    }
  }
  return ds;
}

function project(rng: Prng, accountId: string, anchor: string): VitallyProject {
  const startOffset = -rng.int(10, 200);
  const middle = TASKS.slice(1, -1).filter(() => rng.chance(0.7));
  while (middle.length < 2) middle.push(TASKS[1 + middle.length]!);
  const names = ['Kickoff', ...middle, 'Go-live'];
  const done = rng.int(0, names.length);
  const blocked = done < names.length && rng.chance(0.15);
  const tasks: VitallyTask[] = names.map((name, i) => {
    const dueDate = addDays(anchor, startOffset + (i + 1) * 14);
    const status: VitallyTask['status'] = i < done ? 'completed' : i === done ? (blocked ? 'blocked' : 'in_progress') : 'not_started';
    return { id: rng.uuid(), name, order: i + 1, status, dueDate, completedAt: status === 'completed' ? isoAt(anchor, Math.min(-1, startOffset + (i + 1) * 14 - rng.int(0, 5)), 15) : null };
  });
  return {
    id: rng.uuid(), accountId, name: 'Onboarding', createdAt: isoAt(anchor, startOffset, 9), tasks,
    status: done === names.length ? 'completed' : blocked ? 'blocked' : 'active',
  };
}
