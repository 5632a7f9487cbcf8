/**
 * A burst's account effects, batched across change batches. A change batch holds at most 100
 * messages, and a burst brings several per account (a payment is a new payment and an edited
 * invoice, and the poll finds both): run in the batch, its effects wrote about 50 accounts per
 * HubSpot call. So a change batch that marks more than INLINE_EFFECTS_MAX accounts (a burst, not a
 * card's change) does its intake only, and puts one `account.effects` pointer per marked account on
 * the `FLOW_WRITES` queue (the one closed-won's write-backs use). This consumer groups a
 * delivery's pointers per tenant and runs their effects as the change batch would have
 * (consume.ts `runAccountEffects`: view rebuilt, digest stored, CRM facts written in batch calls,
 * tasks and billing steps, mark cleared), up to 100 accounts at once: while one delivery works,
 * the intake of the next change batches queues the next 100. (docs/decisions.md, decision 58.)
 *
 * What is done derives from the account's mark and digest at the time, not from the message: a
 * pointer delivered twice, late or out of order runs the effects of a marked account once and
 * finds an account whose mark was cleared meanwhile with nothing to do. An effect that fails is
 * retried with its pointer (the mark stays); one that exhausts its retries is a dead letter like
 * any change (replay re-sends it), and the poll's sweep of marks left behind runs it too.
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import type { AccountEffectsRun } from '../../queues/messages.js';
import { sha256Hex } from '../../storage/crypto.js';
import { runAccountEffects } from './consume.js';

/**
 * A change batch that marks more accounts than this hands their effects to the queue; up to this
 * many run in the batch (the lowest latency for the few changes of a steady stream).
 */
export const INLINE_EFFECTS_MAX = 10;

/** Puts one pointer per account on the writes queue (sendBatch of 100). */
export async function queueAccountEffects(env: Env, tenantId: string, accountIds: readonly string[], correlationId: string): Promise<void> {
  const messages = await Promise.all(
    accountIds.map(async (accountId) => ({
      body: { v: 1, kind: 'account.effects', tenantId, accountId, correlationId, idempotencyKey: await sha256Hex(JSON.stringify(['account.effects', tenantId, accountId, correlationId])) } satisfies AccountEffectsRun,
      contentType: 'json' as const,
    })),
  );
  for (let i = 0; i < messages.length; i += 100) await env.FLOW_WRITES.sendBatch(messages.slice(i, i + 100));
}

/** The pointers of one delivery, each with its outcome: absent when done, else the error to retry on. */
export async function consumeAccountEffects(env: Env, items: ReadonlyMap<AccountEffectsRun, Logger>): Promise<Map<AccountEffectsRun, unknown>> {
  const errors = new Map<AccountEffectsRun, unknown>();
  const byTenant = new Map<string, AccountEffectsRun[]>();
  for (const m of items.keys()) byTenant.set(m.tenantId, [...(byTenant.get(m.tenantId) ?? []), m]);
  for (const [tenantId, group] of byTenant) {
    const accounts = [...new Set(group.map((m) => m.accountId))];
    const log = items.get(group[0]!)!.with({ accounts: accounts.length });
    let failed: Map<string, unknown>;
    try {
      failed = await runAccountEffects(env, tenantId, accounts, group[0]!.correlationId, log);
    } catch (err) {
      failed = new Map(accounts.map((a) => [a, err]));
    }
    for (const m of group) {
      const err = failed.get(m.accountId);
      if (err !== undefined) errors.set(m, err);
    }
  }
  return errors;
}
