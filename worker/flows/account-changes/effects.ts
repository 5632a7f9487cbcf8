/**
 * The second half of the change pipeline, per account marked by a change (intake.ts): read the
 * changed part of the account again, keep its digest, and say what its CRM records should show.
 *
 * - A cached account view is rebuilt at once through its coordinator, fetching only the changed
 *   source (the other source's fresh answer is kept), so the next card or panel request serves
 *   the change instead of waiting for the 60 s expiry; its sections are what the facts come from.
 *   Without a cached view there is nothing to rebuild: the changed source is read directly.
 * - The digest (policies/account-facts) is stored over the version that was read, with the
 *   history lines of what changed in it ("Health fell from 62 to 41"), in one batch.
 * - The facts derived from it go to the account's CRM records (crm-facts.ts), in batches.
 * - Lifecycle automations (policies/automations) see the previous and the new digest, under the
 *   tenant's automation policy (which of them run, with which thresholds; read once per batch):
 *   the finance hold is a fact; health drop, low adoption, stalled onboarding and renewal at risk
 *   are episodes kept in the digest, each filing one CRM task (consume.ts `fileTasks`) and one
 *   history line when it opens. Stalled onboarding and low adoption are judged from the CS digest
 *   on every run, read or not, so a policy change re-judges them (rejudge.ts): the stall from the
 *   stored milestones as of the run's day, with the policy's grace and `noProgressDays`. A health
 *   drop compares two readings; when the thresholds differ from those the digest was judged under,
 *   the stored score series is judged again as well (decision 53). A digest stored before those
 *   inputs were kept has its CS source read once. A stall holds what the policy's `hold` says: the
 *   renewal hold is a fact; a billing hold is asked of billing-hold.ts.
 */
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import { addDays, sectionData, todayUtc, type AccountView } from '../../model/index.js';
import { csDigest, csInputsMissing, deriveFacts, erpDigest, judgeOnboarding, renewalRiskOf, scoreOnly, type AccountLinks, type AccountState } from '../../policies/account-facts/index.js';
import type { AccountFacts } from '../../ports/facts.js';
import {
  DEFAULT_AUTOMATION_POLICY,
  adoptionEpisode,
  episodeUnder,
  financeHold,
  stallHoldOf,
  healthEpisode,
  onboardingEpisode,
  rejudgedEpisode,
  renewalEpisode,
  type AdoptionEpisode,
  type HealthEpisode,
  type OnboardingEpisode,
  type AutomationPolicy,
  type RenewalEpisode,
} from '../../policies/automations/index.js';
import { portsFor } from '../../ports/registry.js';
import { fetchNetSuite, fetchVitally } from '../../services/account-view-build.js';
import type { SourceSections } from '../../services/account-view-cache.js';
import { rebuildAccountView } from '../../services/account-view.js';
import { SYSTEM_LABEL } from '../../services/audit-summary.js';
import type { ServiceContext } from '../../services/context.js';
import { saveStateStatements, type DirtyMark, type StoredState } from '../../storage/account-changes.js';
import type { System } from '../../storage/connections.js';
import type { HistoryLine } from '../../storage/record-changes.js';
import { getAccount, sourceIdOf, type AccountRow } from '../../storage/identity.js';
import type { BillingHoldWanted } from './billing-hold.js';
import { FLOW } from './intake.js';
import { stateHistory } from './history.js';

/** A CRM record that shows the account (every linked HubSpot company and Salesforce Account). */
export interface CrmTarget {
  system: System;
  recordId: string;
}

/** What one account's effects produced: its facts for the CRM, and the statements that store its digest. */
export interface AccountEffects {
  accountId: string;
  facts: AccountFacts;
  targets: CrmTarget[];
  statements: D1PreparedStatement[];
  /** The view rebuilt (null when none was cached). */
  rebuilt: boolean;
  /**
   * The renewal hold moved with this run (set, lifted, or another stall holding it): the view,
   * built before the digest was judged, shows the old one, so consume.ts drops it once stored.
   */
  renewalHoldMoved: boolean;
  /** The CRM tasks the account's open automation episodes ask for on its CRM records (each created once, by key). */
  tasks: AutomationTask[];
  /** Onboarding went live and the tenant's billing waits for it: release the customer's held orders (consume.ts). */
  release?: BillingRelease;
  /** ERP-linked accounts: whether a stall holds the customer's billing now (billing-hold.ts holds or lifts). */
  billingHold?: BillingHoldWanted;
}

/** The tenant's settings the automations read (once per batch). */
export interface AutomationSettings {
  /** Billing waits for go-live: the go-live milestone's name as the CS system shows it; null when billing does not wait. */
  goLiveMilestone: string | null;
  /** Which automations run, with which thresholds (policies/automations/policy.ts). */
  policy: AutomationPolicy;
  /**
   * The run is the re-judging after a policy save (rejudge.ts): a digest not known to have been
   * judged under the health-drop thresholds now (stored before they were kept, or while the
   * automation was off) is judged over its score series. Any other run takes such a digest as
   * judged under the thresholds now, so this change files no task on its own.
   */
  rejudge?: boolean;
}

/**
 * The CS sections of an account already read by the caller (a backfill's bulk read,
 * services/sync-runs/cs-stage.ts), with the time they were read: used instead of reading the CS
 * source when the account's effects want it.
 */
export interface PrefetchedCs {
  fetchedAt: string;
  health: SourceSections['vitally']['health'];
  onboarding: SourceSections['vitally']['onboarding'];
  escalations: SourceSections['vitally']['escalations'];
  /**
   * `health` is the current score only (its series not read: a backfill's accounts phase): the
   * digest keeps the score without trend, categories or history (policies/account-facts
   * `healthSeriesPending`), so nothing derived from the series is written until it is read.
   */
  scoreOnly?: boolean;
}

/** The ERP sections of an account already read by the caller (a backfill's page, one query for many customers), with its last payment date. */
export interface PrefetchedErp {
  fetchedAt: string;
  receivables: SourceSections['netsuite']['receivables'];
  contract: SourceSections['netsuite']['contract'];
  lastPayment: string | null;
}

/** Held orders of an ERP customer to release because its onboarding went live. */
export interface BillingRelease {
  erpCustomerId: string;
  milestone: string;
  /** When go-live was seen: the release is re-asked for while it is young, like a task. */
  at: string;
}

/** A task an automation files on every CRM record of the account. */
export interface AutomationTask {
  key: string;
  subject: string;
  body: string;
  dueDate: string;
}

/**
 * A task's content derives from its episode alone (never from the day it is filed): a retry on
 * another day asks the connector's ledger for the same task under the same key.
 */
const dueAfter = (episodeAt: string, days: number) => addDays(episodeAt.slice(0, 10), days);

/** The support review task of a health-drop episode: due two days after the drop. */
function healthTask(episode: HealthEpisode, name: string): AutomationTask {
  const due = dueAfter(episode.at, 2);
  return {
    key: episode.key,
    subject: `Support review: health fell from ${Math.round(episode.from)} to ${Math.round(episode.to)} (${name})`,
    body: `Concord: the customer-success health score of ${name} fell from ${Math.round(episode.from)} to ${Math.round(episode.to)} (${episode.at}). Review recent support and adoption with the customer.`,
    dueDate: due,
  };
}

/** The support review task of a low-adoption episode: due two days after it was seen. */
function adoptionTask(episode: AdoptionEpisode, name: string): AutomationTask {
  const score = Math.round(episode.score);
  return {
    key: episode.key,
    subject: `Support review: low adoption, ${episode.signal} ${score} (below ${episode.below}) (${name})`,
    body: `Concord: the "${episode.signal}" part of the customer-success health score of ${name} is ${score}, below ${episode.below} (${episode.at}). Review adoption with the customer: who uses the product, and what stops the others.`,
    dueDate: dueAfter(episode.at, 2),
  };
}

/** The task of a stalled-onboarding episode: due two days after the stall was seen. */
function onboardingTask(episode: OnboardingEpisode, name: string): AutomationTask {
  const m = episode.milestone;
  const why =
    m.reason === 'blocked' ? 'is blocked' : m.reason === 'no_progress' ? `has not moved: no milestone completed since ${m.lastProgress}` : `is past its due date (${m.dueDate})`;
  return {
    key: episode.key,
    subject: `Onboarding stalled: ${m.name} (${name})`,
    body: `Concord: the onboarding milestone "${m.name}" of ${name} ${why} in the customer-success system (seen ${episode.at}). Unblock it with the customer or agree a new date.`,
    dueDate: dueAfter(episode.at, 2),
  };
}

/** The task of a renewal at risk: due a week after the risk was seen, and never after the day before the renewal. */
function renewalTask(episode: RenewalEpisode, name: string): AutomationTask {
  const seen = episode.at.slice(0, 10);
  const earliest = [dueAfter(episode.at, 7), addDays(episode.renewalDate, -1)].sort()[0]!;
  return {
    key: episode.key,
    subject: `Renewal at risk: renews ${episode.renewalDate} (${name})`,
    body: `Concord: the renewal of ${name} on ${episode.renewalDate} is at ${episode.level} risk${episode.reasons.length ? ` (${episode.reasons.join(', ').replaceAll('_', ' ')})` : ''} (seen ${episode.at}). Plan the renewal conversation before then.`,
    dueDate: earliest < seen ? seen : earliest,
  };
}

/** The history line of a renewal hold set or lifted (the fact goes to the CRM records with the others). */
function renewalHoldHistory(before: boolean, next: AccountState): HistoryLine[] {
  const after = next.renewalHold ?? before;
  if (after === before) return [];
  const episode = next.onboardingEpisode;
  // Keyed by the moment: a hold set, lifted and set again in one episode is three lines.
  const now = new Date().toISOString();
  if (after) {
    return [{ key: `renewal-hold-set:${now}`, action: 'account.automation.renewal_hold_set', summary: `Renewal automation hold set in the CRM: onboarding stalled on ${episode?.milestone.name ?? 'a milestone'}`, detail: { milestone: episode?.milestone.name ?? null } }];
  }
  const why = episode ? 'the automation policy no longer holds renewals for a stall' : 'onboarding is no longer stalled';
  return [{ key: `renewal-hold-lifted:${now}`, action: 'account.automation.renewal_hold_lifted', summary: `Renewal automation hold lifted in the CRM: ${why}`, detail: { reason: episode ? 'policy' : 'stall_ended' } }];
}

const CRM_SYSTEMS = new Set<System>(['hubspot', 'salesforce']);

/** How long after an episode opens its task is still ensured (well inside the CRM ledgers' 24 h memory of a key). */
export const TASK_ENSURE_MS = 12 * 3600 * 1000;

/**
 * The sections of the sources `wanted` names: from the rebuilt view, or read directly when none
 * was cached. Only the sources the change marked (`changed`) are fetched again by the rebuild; a
 * source wanted only because the digest lacks it (the account's first change) is taken from the
 * view's answer while that is fresh (the rebuild fetches it too when it is not), so an ERP change
 * on an account whose card was just opened does not read the CS platform again, nor the reverse.
 */
async function freshSections(env: Env, ctx: ServiceContext, accountId: string, ids: { erp: string | null; cs: string | null }, changed: DirtyMark, wanted: DirtyMark, today: string, prefetched?: { cs?: PrefetchedCs; erp?: PrefetchedErp }) {
  // Sections the caller read already are taken as they are, not read again (nor through a rebuild).
  const pc = prefetched?.cs;
  const given = wanted.cs && ids.cs && pc ? { fetchedAt: pc.fetchedAt, health: pc.health, onboarding: pc.onboarding, escalations: pc.escalations, scoreOnly: pc.scoreOnly === true } : null;
  const pe = prefetched?.erp;
  const givenErp = wanted.erp && ids.erp && pe ? { fetchedAt: pe.fetchedAt, receivables: pe.receivables, contract: pe.contract } : null;
  const sources = [...(wanted.erp && ids.erp && !givenErp ? (['netsuite'] as const) : []), ...(wanted.cs && ids.cs && !given ? (['vitally'] as const) : [])];
  const refetch = sources.filter((s) => (s === 'netsuite' ? changed.erp : changed.cs));
  // A CS change that named its parts (a health score, a milestone, a conversation) reads only those.
  const csParts = changed.cs && changed.csParts ? changed.csParts : undefined;
  const view: AccountView | null = sources.length > 0 ? await rebuildAccountView(env, ctx, accountId, refetch, csParts) : null;
  // A source the change marked must be read, or the change is retried. One wanted only to complete
  // the digest is left for a later change when it cannot be read now (a CS platform at its rate
  // limit must not hold an ERP change back, nor send it to the dead-letter queue after its retries).
  // A run that marks nothing (backfill, a re-read) reads every source it wants, or fails.
  const mustRead = (s: 'netsuite' | 'vitally') => refetch.length === 0 || refetch.includes(s);
  const deferred = (s: 'netsuite' | 'vitally', why: string) => ctx.log.info('account_changes.source_deferred', { accountId, system: s, why });
  if (view) {
    const read = sources.filter((s) => {
      const f = view.freshness[s];
      if (f?.status === 'fresh') return true;
      // A source that failed during the rebuild: its change is not read yet, so retry.
      if (mustRead(s)) throw new ConcordError({ kind: 'upstream', system: s, status: 0, detail: `rebuild could not read ${s} (${f?.error ?? 'unknown'})` });
      deferred(s, f?.error ?? 'unknown');
      return false;
    });
    const at = (s: 'netsuite' | 'vitally') => view.freshness[s]?.fetchedAt ?? new Date().toISOString();
    return {
      erp: givenErp ?? (read.includes('netsuite') ? { fetchedAt: at('netsuite'), receivables: sectionData(view.receivables), contract: sectionData(view.contract) } : null),
      cs: given ?? (read.includes('vitally') ? { fetchedAt: at('vitally'), health: sectionData(view.health), onboarding: sectionData(view.onboarding), escalations: sectionData(view.escalations) } : null),
      rebuilt: true,
    };
  }
  const now = new Date().toISOString();
  const optional = <T,>(s: 'netsuite' | 'vitally', p: Promise<T>): Promise<T | null> =>
    mustRead(s)
      ? p
      : p.catch((err: unknown) => {
          deferred(s, err instanceof ConcordError ? err.error.kind : 'error');
          return null;
        });
  const [erp, cs] = await Promise.all([
    sources.includes('netsuite') && ids.erp ? optional('netsuite', fetchNetSuite(env, ctx, ids.erp, today)) : null,
    sources.includes('vitally') && ids.cs ? optional('vitally', fetchVitally(env, ctx, ids.cs)) : null,
  ]);
  return {
    erp: givenErp ?? (erp ? { fetchedAt: now, receivables: erp.receivables, contract: erp.contract } : null),
    cs: given ?? (cs ? { fetchedAt: now, health: cs.health, onboarding: cs.onboarding, escalations: cs.escalations } : null),
    rebuilt: false,
  };
}

/** The customer's last payment date; undefined when the ERP cannot say (the digest keeps what it had). */
async function lastPaymentOf(env: Env, ctx: ServiceContext, customerId: string): Promise<string | null | undefined> {
  const erp = await portsFor(env, ctx, { flow: FLOW, actor: 'concord' }).erp();
  return erp.lastPaymentDate ? erp.lastPaymentDate(customerId) : undefined;
}

/** One marked account's effects (see the module header). Throws when a changed source cannot be read. */
export async function accountEffects(
  env: Env,
  ctx: ServiceContext,
  accountId: string,
  mark: DirtyMark,
  stored: StoredState<AccountState> | undefined,
  settings: AutomationSettings = { goLiveMilestone: null, policy: DEFAULT_AUTOMATION_POLICY },
  prefetched?: { cs?: PrefetchedCs; erp?: PrefetchedErp; account?: AccountRow },
): Promise<AccountEffects | null> {
  const { policy } = settings;
  // The account with its links as the caller read them (a backfill's page), else read now.
  const account = prefetched?.account ?? (await getAccount(env.DB, ctx.tenantId, accountId));
  if (!account) return null;
  const links: AccountLinks = { accountId, erpCustomerId: sourceIdOf(account.links, 'netsuite'), csAccountId: sourceIdOf(account.links, 'vitally') };
  const today = todayUtc();
  // A source never read for this account is read with the changed one: its facts (and the renewal
  // risk, which weighs both) are then complete from the account's first change on. So is a CS
  // digest stored before the rules' inputs were kept (milestones, score series): once.
  const csOld = stored?.state.cs;
  const wanted: DirtyMark = { ...mark, erp: mark.erp || !stored?.state.erp, cs: mark.cs || !csOld || (links.csAccountId !== null && csInputsMissing(csOld)) };
  // The last payment date is not in the view: asked alongside the rebuild, not after it.
  const lastPaymentRead = wanted.erp && links.erpCustomerId ? (prefetched?.erp ? Promise.resolve(prefetched.erp.lastPayment) : lastPaymentOf(env, ctx, links.erpCustomerId)) : null;
  lastPaymentRead?.catch(() => {});
  const read = await freshSections(env, ctx, accountId, { erp: links.erpCustomerId, cs: links.csAccountId }, mark, wanted, today, prefetched);

  const previous = stored?.state;
  const next: AccountState = {
    v: 1,
    ...(previous?.erp ? { erp: previous.erp } : {}),
    ...(previous?.cs ? { cs: previous.cs } : {}),
    ...(previous?.healthEpisode ? { healthEpisode: previous.healthEpisode } : {}),
    ...(previous?.onboardingEpisode ? { onboardingEpisode: previous.onboardingEpisode } : {}),
    ...(previous?.adoptionEpisode ? { adoptionEpisode: previous.adoptionEpisode } : {}),
    ...(previous?.renewalEpisode ? { renewalEpisode: previous.renewalEpisode } : {}),
    ...(previous?.goLive ? { goLive: previous.goLive } : {}),
    ...(previous?.financeHold !== undefined ? { financeHold: previous.financeHold } : {}),
    ...(previous?.renewalHold !== undefined ? { renewalHold: previous.renewalHold } : {}),
  };
  if (read.erp && links.erpCustomerId) {
    const paid = lastPaymentRead ? await lastPaymentRead : undefined;
    const lastPayment = paid === undefined ? (previous?.erp?.lastPaymentDate ?? null) : paid;
    next.erp = erpDigest(read.erp.fetchedAt, read.erp.receivables, read.erp.contract, lastPayment);
  }
  if (read.cs) {
    next.cs = csDigest(read.cs.fetchedAt, read.cs.health, read.cs.onboarding, read.cs.escalations, policy.onboardingStalled);
    // A reading of the current score only keeps the score: its trend, categories and series are not known.
    if ('scoreOnly' in read.cs && read.cs.scoreOnly) next.cs = { ...next.cs, health: scoreOnly(next.cs.health) };
    // An automation switched off opens nothing new; an episode it had open may still close.
    const judged = healthEpisode(previous?.healthEpisode, previous?.cs?.health?.score, next.cs.health?.score, read.cs.fetchedAt, accountId, policy.healthDrop);
    const episode = episodeUnder(policy.healthDrop.enabled, previous?.healthEpisode, judged);
    if (episode) next.healthEpisode = episode;
    else delete next.healthEpisode;
    // Go-live is seen once: the first reading with that milestone completed.
    const goLive = settings.goLiveMilestone?.toLowerCase();
    const live = goLive ? next.cs.onboarding?.completed.find((m) => m.toLowerCase() === goLive) : undefined;
    if (live && !next.goLive) next.goLive = { milestone: live, at: read.cs.fetchedAt };
  }
  if (next.cs) {
    // Stalled onboarding and low adoption are states of the CS digest, judged on every run under
    // the tenant's current policy, read or not: a run with no fresh CS reading (an ERP change, the
    // re-judging after a policy change, rejudge.ts) opens the episode the new policy asks for, as
    // of now. A health drop compares two readings (above), and the stored series when the
    // thresholds are not those the digest was judged under (below).
    const judgedAt = read.cs?.fetchedAt ?? new Date().toISOString();
    // The stall judged from the stored milestones as of today under the policy now (a digest
    // without them keeps the verdict of its reading).
    if (next.cs.onboarding) next.cs = { ...next.cs, onboarding: judgeOnboarding(next.cs.onboarding, today, policy.onboardingStalled) };
    // The health drop under thresholds other than those the digest was judged under: the series again.
    const rule = { dropPoints: policy.healthDrop.dropPoints, below: policy.healthDrop.below };
    if (policy.healthDrop.enabled) {
      // A first reading has nothing to judge again; a digest without a marker only when re-judging.
      const judgedUnder = previous?.cs ? (previous.healthRule ?? (settings.rejudge ? undefined : rule)) : rule;
      const episode = rejudgedEpisode(next.healthEpisode ?? null, judgedUnder, rule, next.cs.health?.history, judgedAt, accountId);
      if (episode) next.healthEpisode = episode;
      next.healthRule = rule;
    }
    // Low adoption: the health drop's third trigger, an episode of its own (judged only with a threshold set).
    const judgedAdoption = adoptionEpisode(previous?.adoptionEpisode, next.cs.health ? (next.cs.health.signals ?? undefined) : undefined, judgedAt, accountId, policy.healthDrop);
    const adoption = episodeUnder(policy.healthDrop.enabled && policy.healthDrop.adoptionBelow > 0, previous?.adoptionEpisode, judgedAdoption);
    if (adoption) next.adoptionEpisode = adoption;
    else delete next.adoptionEpisode;
    const judgedStall = onboardingEpisode(previous?.onboardingEpisode, next.cs.onboarding ? next.cs.onboarding.stalled : null, judgedAt, accountId);
    const stalled = episodeUnder(policy.onboardingStalled.enabled, previous?.onboardingEpisode, judgedStall);
    if (stalled) next.onboardingEpisode = stalled;
    else delete next.onboardingEpisode;
  }

  const facts = deriveFacts(next, links, today, policy.financeHold, policy.onboardingStalled);
  if (typeof facts.financeHold === 'boolean') next.financeHold = facts.financeHold;
  if (typeof facts.renewalHold === 'boolean') next.renewalHold = facts.renewalHold;
  // The hold as last judged (a digest stored before verdicts were kept: judged again, now).
  const before = previous ? deriveFacts(previous, links, today, policy.financeHold) : undefined;
  const heldBefore = previous?.financeHold ?? before?.financeHold;
  // Renewal at risk: only once the risk is assessed (both linked sources read) and the ERP says when it renews.
  const risk = renewalRiskOf(next, links, today);
  const judgedRenewal = renewalEpisode(previous?.renewalEpisode, risk, next.erp ? (next.erp.contract?.renewalDate ?? null) : undefined, today, new Date().toISOString(), accountId, policy.renewalRisk);
  const renewal = episodeUnder(policy.renewalRisk.enabled, previous?.renewalEpisode, judgedRenewal);
  if (renewal) next.renewalEpisode = renewal;
  else delete next.renewalEpisode;
  const aged = financeHold(next.erp?.receivables?.overdue ?? [], policy.financeHold);
  const history = stateHistory(previous, next, { from: before?.renewalRisk, to: facts.renewalRisk }, SYSTEM_LABEL.vitally!, {
    from: heldBefore,
    to: facts.financeHold,
    amount: aged.amount,
    currency: next.erp?.receivables?.currency ?? null,
    overdueDays: policy.financeHold.overdueDays,
    off: !policy.financeHold.enabled,
  });
  const episode = next.healthEpisode;
  if (episode && episode.key !== previous?.healthEpisode?.key) {
    history.push({
      key: `health-task:${episode.key}`,
      action: 'account.automation.health_task',
      summary: `Support review task raised in the CRM: health fell from ${Math.round(episode.from)} to ${Math.round(episode.to)}`,
      detail: { from: Math.round(episode.from), to: Math.round(episode.to) },
    });
  }
  const lowAdoption = next.adoptionEpisode;
  if (lowAdoption && lowAdoption.key !== previous?.adoptionEpisode?.key) {
    history.push({
      key: `adoption-task:${lowAdoption.key}`,
      action: 'account.automation.adoption_task',
      summary: `Support review task raised in the CRM: low adoption, ${lowAdoption.signal} ${Math.round(lowAdoption.score)} (below ${lowAdoption.below})`,
      detail: { signal: lowAdoption.signal, score: Math.round(lowAdoption.score), below: lowAdoption.below },
    });
  }
  const stalled = next.onboardingEpisode;
  if (stalled && stalled.key !== previous?.onboardingEpisode?.key) {
    const m = stalled.milestone;
    history.push({
      key: `onboarding-task:${stalled.key}`,
      action: 'account.automation.onboarding_task',
      summary: `Onboarding task raised in the CRM: ${m.name} ${m.reason === 'blocked' ? 'is blocked' : m.reason === 'no_progress' ? `has not moved since ${m.lastProgress}` : `is past due (${m.dueDate})`}`,
      detail: { milestone: m.name, reason: m.reason, dueDate: m.dueDate, ...(m.lastProgress ? { lastProgress: m.lastProgress } : {}) },
    });
  }
  history.push(...renewalHoldHistory(previous?.renewalHold ?? false, next));
  if (renewal && renewal.key !== previous?.renewalEpisode?.key) {
    history.push({
      key: `renewal-task:${renewal.key}`,
      action: 'account.automation.renewal_task',
      summary: `Renewal task raised in the CRM: renews ${renewal.renewalDate} at ${renewal.level} risk`,
      detail: { renewalDate: renewal.renewalDate, level: renewal.level },
    });
  }
  const statements = await saveStateStatements(env.DB, { tenantId: ctx.tenantId, accountId, previous: stored?.version ?? 0, state: next, history, actor: 'concord', correlationId: ctx.correlationId });
  const targets = account.links.filter((l) => CRM_SYSTEMS.has(l.system)).map((l) => ({ system: l.system, recordId: l.externalId }));
  // For a while after an episode opens its task is ensured on every run (idempotent by key): a
  // run whose task creation failed after the digest was stored still files it on the retry. Not
  // for ever: the HubSpot ledger remembers a key for 24 h, so an episode open for days would file
  // its task again on a later change.
  const name = account.name ?? accountId;
  const young = (at: string) => Date.now() - Date.parse(at) < TASK_ENSURE_MS;
  const tasks: AutomationTask[] = [];
  // Only automations that are on file tasks (an episode kept open while off files none).
  if (episode && policy.healthDrop.enabled && young(episode.at)) tasks.push(healthTask(episode, name));
  if (lowAdoption && policy.healthDrop.enabled && policy.healthDrop.adoptionBelow > 0 && young(lowAdoption.at)) tasks.push(adoptionTask(lowAdoption, name));
  if (stalled && policy.onboardingStalled.enabled && young(stalled.at)) tasks.push(onboardingTask(stalled, name));
  if (renewal && policy.renewalRisk.enabled && young(renewal.at)) tasks.push(renewalTask(renewal, name));
  const holdsBilling = stallHoldOf(policy.onboardingStalled, next.onboardingEpisode) === 'billing';
  const billingHold: BillingHoldWanted | undefined = links.erpCustomerId
    ? { accountId, erpCustomerId: links.erpCustomerId, episodeKey: holdsBilling ? next.onboardingEpisode!.key : null, milestone: next.onboardingEpisode?.milestone.name ?? null }
    : undefined;
  const release = settings.goLiveMilestone && next.goLive && links.erpCustomerId && young(next.goLive.at) ? { erpCustomerId: links.erpCustomerId, milestone: next.goLive.milestone, at: next.goLive.at } : undefined;
  const renewalHoldMoved = (previous?.renewalHold ?? false) !== (next.renewalHold ?? false) || (next.renewalHold === true && previous?.onboardingEpisode?.key !== next.onboardingEpisode?.key);
  return { accountId, facts, targets, statements, rebuilt: read.rebuilt, renewalHoldMoved, tasks, ...(release ? { release } : {}), ...(billingHold ? { billingHold } : {}) };
}
