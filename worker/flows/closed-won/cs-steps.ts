/**
 * Closed-won's CS steps: the customer-success account (the one the identity map links, else
 * created or found by Concord's key), Concord's facts on it, the onboarding project from the
 * tenant's plan, and the CS link written back onto the CRM deal and company. A refusal by the CS
 * system (no such project template, a 400 about the data) is a business exception, not a retry.
 */
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import { addDays, daysBetween } from '../../model/index.js';
import type { AccountFacts, CrmOrderSource } from '../../ports/index.js';
import { onboardingMade, recordOnboarding, releaseLease, takeLease } from '../../storage/flow-leases.js';
import { insertLink, linkedRecord } from '../../storage/identity.js';
import type { ErpIssue, SalesOrderResult } from './order-steps.js';
import { onboardingKeyFor, runIdFor, type ClosedWonParams } from './params.js';
import { closedWonSettings } from './settings.js';
import { dateOnly, runPorts, vendorRefusal } from './steps.js';
import { queueWriteback } from './writeback.js';

export interface CsResult {
  csAccountId: string;
  projectId: string;
  /** Whether this run made the onboarding project (false: it existed). */
  projectCreated: boolean;
}

export type CsStep = { ok: true; cs: CsResult } | { ok: false; issue: Omit<ErpIssue, 'fixIn' | 'code'> & { code: 'cs_refused'; fixIn: 'cs' } };

/** The order total per year of the contract term (a one-year term when the deal names no end). */
export function annualized(total: number, start: string, end: string | null): number {
  if (!end) return total;
  const days = daysBetween(start, end) + 1;
  return days > 0 ? Math.round((total * 365 * 100) / days) / 100 : total;
}

/** How long a run may hold a company's onboarding lease (a crashed holder's lease lapses then). */
const LEASE_MS = 60_000;

/**
 * Wait (a few seconds at most) for the lease on `key`; when another run still holds it, fail the
 * attempt with a retryable conflict: the step's retry then finds the project that run made.
 */
async function leased(env: Env, p: ClosedWonParams, key: string): Promise<void> {
  for (let i = 0; i < 25; i++) {
    if (await takeLease(env.DB, p.tenantId, key, runIdFor(p), LEASE_MS)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new ConcordError({ kind: 'conflict', code: 'lease_held', message: `Another run is provisioning ${key}; this step retries.` });
}

/**
 * Step `provision-cs`: the CS account with Concord's facts (contract end, ARR, the ERP customer),
 * then the onboarding project, one per company, its milestones due after the contract start. An
 * expansion deal of a customer Concord already onboarded finds the project it made in D1 and
 * leaves it (and its milestones) as the CSM runs it.
 */
export async function provisionCs(env: Env, p: ClosedWonParams, source: CrmOrderSource, accountId: string, customerId: string, order: SalesOrderResult): Promise<CsStep> {
  const cs = await runPorts(env, p).cs();
  const settings = await closedWonSettings(env.DB, p.tenantId);
  const company = source.company!;
  const start = source.deal.contractStart ?? dateOnly(source.deal.closeDate) ?? order.createdAt.slice(0, 10);
  const end = source.deal.contractEnd;
  const facts: AccountFacts = { concordAccountId: accountId, erpCustomerId: customerId, arr: annualized(order.total, start, end), contractEnd: end, renewalDate: end };
  const owner = source.owner?.email ?? null;
  try {
    // An account the identity map already links (identity sync, an earlier order) is the customer's.
    let csAccountId = await linkedRecord(env.DB, p.tenantId, accountId, cs.system);
    if (csAccountId) await cs.writeAccountFacts!(csAccountId, facts, accountId);
    else csAccountId = (await cs.upsertAccount!({ externalId: company.externalId, name: company.name, ownerEmail: owner, facts })).id;
    const key = onboardingKeyFor(p.source, company.externalId);
    const link = insertLink(env.DB, p.tenantId, accountId, { system: cs.system, externalId: csAccountId, rule: 'closed_won_provision', isPrimary: true });
    // A company Concord already onboarded (an earlier deal, or one won in the same burst) keeps
    // its project as the CSM runs it: no CS read, no wait on the lease (decision 66).
    const made = await onboardingMade(env.DB, p.tenantId, key);
    if (made?.csAccountId === csAccountId) {
      await link.run();
      return { ok: true, cs: { csAccountId, projectId: made.projectId, projectCreated: false } };
    }
    // One company's deals won together would otherwise each find no project and each create one.
    await leased(env, p, `onboarding:${key}`);
    // The run that held the lease before this one may have made it.
    const madeMeanwhile = await onboardingMade(env.DB, p.tenantId, key);
    const plan =
      madeMeanwhile?.csAccountId === csAccountId
        ? { id: madeMeanwhile.projectId, created: false }
        : await cs.ensureOnboarding!(csAccountId, {
            key,
            name: `${settings.onboarding.name}: ${company.name}`.slice(0, 200),
            template: settings.onboarding.template,
            startDate: start,
            ownerEmail: owner,
            milestones: settings.onboarding.milestones.map((m) => ({ key: m.key, name: m.name, dueDate: addDays(start, m.dueAfterDays) })),
          });
    await env.DB.batch([
      link,
      recordOnboarding(env.DB, p.tenantId, key, { csAccountId, projectId: plan.id, runId: runIdFor(p) }),
      releaseLease(env.DB, p.tenantId, `onboarding:${key}`, runIdFor(p)),
    ]);
    return { ok: true, cs: { csAccountId, projectId: plan.id, projectCreated: plan.created } };
  } catch (err) {
    const business = err instanceof ConcordError && err.error.kind === 'business' ? err.error.message : null;
    const r = business ? { system: cs.system, detail: business } : vendorRefusal(err);
    if (!r) throw err;
    return { ok: false, issue: { field: 'csAccount', code: 'cs_refused', message: `${r.system} refused the customer-success account: ${r.detail || 'no reason given'}`, fixIn: 'cs', action: `Fix it in ${r.system} (or in the closed-won onboarding settings), then retry.` } };
  }
}

/**
 * Step `write-back-cs`: the deal and the company are to show the CS account too; like the order's
 * write-back, queued and batched (writeback.ts). Its write is the run's last: the run is
 * `completed` once the CRM has it.
 */
export async function writeBackCs(env: Env, p: ClosedWonParams, source: CrmOrderSource, accountId: string, result: Record<string, unknown>): Promise<void> {
  await queueWriteback(env, p, runIdFor(p), { stage: 'cs', companyId: source.company!.externalId, accountId, result });
}
