/**
 * The change pipeline's CRM writes, batched across queue batches. The pipeline (consume.ts) does
 * not write an account's facts itself: once its digest is stored it puts an `account.facts`
 * pointer on the `FLOW_WRITES` queue (the one closed-won's write-backs use), and this consumer
 * groups a delivery's pointers per tenant, derives each account's facts from the digest stored
 * now (`account_states`, under the tenant's policy now, as the pipeline derives them) and writes
 * them with the pipeline's writer (crm-facts.ts: guarded, one HubSpot batch call per 100 records,
 * Salesforce Collections of 200, only what differs from what was last written).
 *
 * Why: the CRM write's batch was the change batch. A change batch holds 100 messages, and a burst
 * brings several per account (a payment is a payment and an invoice edit; a poll finds both), so
 * a burst of 1,000 accounts wrote about 50 records per HubSpot call, and fewer when retries split
 * it. A pointer is one per account and coalesces: a delivery of 100 pointers is up to 100
 * accounts, one HubSpot call. (docs/decisions.md, decision 58.)
 *
 * What is written derives from the digest at the time of the write, not from the message: pointers
 * delivered twice, late or out of order all write the account's latest facts. A write that fails
 * is retried with its pointer; one that exhausts its retries is a dead letter like any change
 * (replay re-sends it). The change itself is done once its digest is stored and its pointer sent.
 */
import type { Env } from '../../env.js';
import { todayUtc } from '../../model/index.js';
import type { Logger } from '../../ops/log.js';
import { deriveFacts, type AccountLinks, type AccountState } from '../../policies/account-facts/index.js';
import type { AccountFactsWrite } from '../../queues/messages.js';
import { loadAutomationPolicy } from '../../services/automation-policy.js';
import { serviceContext } from '../../services/context.js';
import { loadStates } from '../../storage/account-changes.js';
import type { System } from '../../storage/connections.js';
import { sha256Hex } from '../../storage/crypto.js';
import { linkedRecords, toLinkedRecords, type LinkedRecord } from '../../storage/identity.js';
import { writeCrmFacts, type CrmWriteReport, type FactsToWrite } from './crm-facts.js';
import { QUEUE_WAIT_MS } from './intake.js';

const CRM_SYSTEMS = new Set<System>(['hubspot', 'salesforce']);

/**
 * Puts one pointer per account on the writes queue (sendBatch of 100). `seq` is the account's
 * mark: a retry of the same change sends the same key.
 */
export async function queueFactWrites(env: Env, tenantId: string, accounts: readonly { accountId: string; seq: number }[], correlationId: string): Promise<void> {
  const messages = await Promise.all(
    accounts.map(async ({ accountId, seq }) => ({
      body: { v: 1, kind: 'account.facts', tenantId, accountId, correlationId, idempotencyKey: await sha256Hex(JSON.stringify(['account.facts', tenantId, accountId, seq])) } satisfies AccountFactsWrite,
      contentType: 'json' as const,
    })),
  );
  for (let i = 0; i < messages.length; i += 100) await env.FLOW_WRITES.sendBatch(messages.slice(i, i + 100));
}

/**
 * Writes the facts of `accountIds` as their stored digests say now; answers the write's report
 * (accounts whose write failed, with why). An account without a digest or without a CRM record has
 * nothing to write.
 */
export async function writeStoredFacts(env: Env, tenantId: string, accountIds: readonly string[], correlationId: string, log: Logger): Promise<CrmWriteReport> {
  const ids = [...new Set(accountIds)];
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const [states, policy, links] = await Promise.all([
    loadStates<AccountState>(env.DB, tenantId, ids),
    loadAutomationPolicy(env.DB, tenantId),
    linkedRecords(env.DB, tenantId, ids).all(),
  ]);
  const byAccount = new Map<string, LinkedRecord[]>();
  for (const r of toLinkedRecords(links.results)) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
  const today = todayUtc();
  const items: FactsToWrite[] = [];
  for (const accountId of ids) {
    const stored = states.get(accountId);
    const recs = byAccount.get(accountId) ?? [];
    const targets = recs.filter((r) => CRM_SYSTEMS.has(r.system)).map((r) => ({ system: r.system, recordId: r.externalId }));
    if (!stored || targets.length === 0) continue;
    // The primary record of each source, as the pipeline's effects read them (effects.ts).
    const primary = (system: System) => recs.find((r) => r.system === system && r.isPrimary)?.externalId ?? recs.find((r) => r.system === system)?.externalId ?? null;
    const accountLinks: AccountLinks = { accountId, erpCustomerId: primary('netsuite'), csAccountId: primary('vitally') };
    items.push({ accountId, facts: deriveFacts(stored.state, accountLinks, today, policy.financeHold, policy.onboardingStalled), targets });
  }
  return writeCrmFacts(env, ctx, items);
}

/** The pointers of one delivery, each with its outcome: absent when written, else the error to retry on. */
export async function consumeFactWrites(env: Env, items: ReadonlyMap<AccountFactsWrite, Logger>): Promise<Map<AccountFactsWrite, unknown>> {
  const errors = new Map<AccountFactsWrite, unknown>();
  const byTenant = new Map<string, AccountFactsWrite[]>();
  for (const m of items.keys()) byTenant.set(m.tenantId, [...(byTenant.get(m.tenantId) ?? []), m]);
  for (const [tenantId, group] of byTenant) {
    const log = items.get(group[0]!)!.with({ accounts: group.length });
    let failed: Map<string, unknown>;
    try {
      const report = await writeStoredFacts(env, tenantId, group.map((m) => m.accountId), group[0]!.correlationId, log);
      failed = report.failedAccounts;
      log.info('account_changes.facts_written', { pointers: group.length, crm: report.systems, failed: failed.size });
    } catch (err) {
      failed = new Map(group.map((m) => [m.accountId, err]));
    }
    for (const m of group) {
      const err = failed.get(m.accountId);
      if (err !== undefined) errors.set(m, err);
    }
  }
  return errors;
}
