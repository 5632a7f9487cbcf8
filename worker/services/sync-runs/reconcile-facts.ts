/**
 * Reconcile's second comparison, per page of accounts: Concord's facts on the CRM records
 * (receivables, payments, contract dates and ARR, health, onboarding, renewal risk, finance hold,
 * links) against what Concord would write now. "Now" is the change pipeline's own answer: the
 * facts derived from the account's stored digest (`account_states`) under the tenant's automation
 * policy, exactly as flows/account-changes/effects.ts derives them, so a reconcile never writes a
 * value the next change would not. Accounts the pipeline has no digest of are not compared (there
 * is nothing Concord would write yet).
 *
 * The CRM values are read back in batches (`accountFactsOf`: HubSpot batch reads of 100, Salesforce
 * SOQL `IN` lists of 200), compared with policies/reconcile/facts-drift.ts, and, outside a dry run,
 * written again through the guarded `writeAccountFacts` (one batched call per CRM per page). What
 * was written is recorded in `crm_fact_writes` as the pipeline records it, so the next change does
 * not skip a repaired fact as unchanged, nor re-send one it already holds.
 */
import type { Env } from '../../env.js';
import { todayUtc } from '../../model/index.js';
import { SYSTEM_ROLE, type SystemName } from '../../model/primitives.js';
import { deriveFacts, type AccountLinks, type AccountState } from '../../policies/account-facts/index.js';
import { factsDrift, type FactDrift } from '../../policies/reconcile/facts-drift.js';
import type { AccountFacts, AccountFactsUpdate, CompanyUpdateResult } from '../../ports/index.js';
import type { portsFor } from '../../ports/registry.js';
import { loadStates, recordWrittenStatement, writtenFacts } from '../../storage/account-changes.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import { sourceIdOf, type AccountRow, type LinkedRecord } from '../../storage/identity.js';
import { tenantMatrix } from '../../storage/ownership.js';
import type { DriftRow, SyncRun } from '../../storage/sync-runs.js';
import { loadAutomationPolicy } from '../automation-policy.js';
import type { ServiceContext } from '../context.js';

type Ports = ReturnType<typeof portsFor>;

/** The CRMs whose records carry Concord's facts. */
const CRM_SYSTEMS: readonly System[] = ['hubspot', 'salesforce'];

type Item = FactDrift & { accountId: string };

/** The facts drift of a page of accounts, repaired unless the run is a dry run. */
export async function reconcileFacts(env: Env, ctx: ServiceContext, run: SyncRun, ports: Ports, accounts: readonly AccountRow[], byAccount: ReadonlyMap<string, LinkedRecord[]>): Promise<DriftRow[]> {
  const states = await loadStates<AccountState>(env.DB, ctx.tenantId, accounts.map((a) => a.id));
  if (states.size === 0) return [];
  const [policy, matrix] = await Promise.all([loadAutomationPolicy(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  const today = todayUtc();

  // What each CRM record of an account with a digest should show.
  const targets: { accountId: string; system: System; externalId: string; primary: boolean; expected: AccountFacts; systemOf: (role: 'erp' | 'cs') => SystemName | null }[] = [];
  for (const a of accounts) {
    const stored = states.get(a.id);
    if (!stored) continue;
    const recs = byAccount.get(a.id) ?? [];
    const links: AccountLinks = { accountId: a.id, erpCustomerId: sourceIdOf(recs, 'netsuite'), csAccountId: sourceIdOf(recs, 'vitally') };
    const expected = deriveFacts(stored.state, links, today, policy.financeHold, policy.onboardingStalled);
    const systemOf = (role: 'erp' | 'cs') => (recs.find((r) => SYSTEM_ROLE[r.system] === role)?.system ?? null) as SystemName | null;
    for (const crm of CRM_SYSTEMS) {
      const main = sourceIdOf(recs, crm);
      for (const r of recs.filter((x) => x.system === crm)) targets.push({ accountId: a.id, system: crm, externalId: r.externalId, primary: r.externalId === main, expected, systemOf });
    }
  }

  const items: Item[] = [];
  const outcome = new Map<Item, DriftRow['outcome']>();
  for (const system of CRM_SYSTEMS) {
    const mine = targets.filter((t) => t.system === system);
    // A CRM disconnected since the records were linked: nothing to read or write.
    if (mine.length === 0 || (await ports.systemFor('crm', system)) !== system) continue;
    const port = await ports.crm(system);
    if (!port.accountFactsOf || !port.writeAccountFacts) continue;
    const held = await port.accountFactsOf(mine.map((t) => t.externalId));
    const found: Item[] = mine.flatMap((t) => factsDrift({ ...t, held: held.get(t.externalId) }, matrix, t.systemOf).map((d) => ({ ...d, accountId: t.accountId })));
    items.push(...found);
    if (found.length === 0) continue;
    if (run.dryRun) {
      for (const d of found) outcome.set(d, 'would_repair');
      continue;
    }
    await repair(env, ctx, run, system, port.writeAccountFacts.bind(port), found, outcome);
  }

  return items.map((d) => ({
    accountId: d.accountId,
    field: d.field,
    system: d.system,
    externalId: d.externalId,
    value: d.value,
    owner: d.owner,
    ownerSystem: d.ownerSystem,
    ownerValue: d.ownerValue,
    action: d.action,
    outcome: outcome.get(d) ?? 'failed',
    reason: d.reason,
  }));
}

/**
 * Writes Concord's value of every drifted fact, one update per record, through the write guard
 * (a refused fact is `refused`, a record the CRM rejects `failed`), and records what the records
 * now hold from Concord in `crm_fact_writes`, with one audit line per CRM.
 */
async function repair(
  env: Env,
  ctx: ServiceContext,
  run: SyncRun,
  system: System,
  write: (updates: AccountFactsUpdate[], opts?: { concurrency?: number }) => Promise<CompanyUpdateResult>,
  found: readonly Item[],
  outcome: Map<Item, DriftRow['outcome']>,
): Promise<void> {
  const byRecord = new Map<string, AccountFactsUpdate & { accountId: string }>();
  for (const d of found) {
    const u = byRecord.get(d.externalId) ?? { recordId: d.externalId, accountId: d.accountId, facts: {} };
    (u.facts as Record<string, unknown>)[d.fact] = d.repairValue;
    byRecord.set(d.externalId, u);
  }
  const updates = [...byRecord.values()];
  const res = await write(updates, { concurrency: 2 });
  const failed = new Set(res.failed.map((f) => f.externalId));
  const refused = new Set((res.refused ?? []).map((r) => r.attribute));
  for (const d of found) outcome.set(d, failed.has(d.externalId) ? 'failed' : refused.has(d.fact) ? 'refused' : 'repaired');

  const last = await writtenFacts(env.DB, ctx.tenantId, updates.map((u) => ({ system, recordId: u.recordId })));
  const statements: D1PreparedStatement[] = [
    auditStatement(env.DB, {
      tenantId: ctx.tenantId,
      actor: `sync:${run.id}`,
      action: 'sync.reconcile.facts_repair',
      entityType: 'connection',
      entityId: system,
      after: { records: updates.length, failed: failed.size, calls: res.calls, facts: found.length, refused: [...refused] },
      correlationId: run.correlationId,
    }),
  ];
  for (const u of updates) {
    if (failed.has(u.recordId)) continue;
    const held = last.get(`${system}:${u.recordId}`) ?? { written: {}, refused: {} };
    const written = { ...held.written };
    const refusedNow = { ...held.refused };
    for (const [fact, value] of Object.entries(u.facts)) {
      if (refused.has(fact)) refusedNow[fact] = value;
      else {
        written[fact] = value;
        delete refusedNow[fact];
      }
    }
    statements.push(recordWrittenStatement(env.DB, { tenantId: ctx.tenantId, system, recordId: u.recordId, accountId: u.accountId, written, refused: refusedNow }));
  }
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
}
