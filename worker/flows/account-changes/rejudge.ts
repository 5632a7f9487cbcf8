/**
 * Every account judged again after the tenant's automation policy changed (`PUT /ops/automations`):
 * without it an account follows a new policy only with its next change, so switching on the
 * stalled-onboarding task, a billing or renewal hold, or a low-adoption threshold would do nothing
 * for accounts already stalled or low until their CS data happens to move.
 *
 * The saved policy sends one message to the `concord-sync` queue; each delivery takes the next page
 * of accounts the pipeline keeps a digest of (`account_states`, by id after the cursor), marks them
 * for effects with neither source to read again (`{erp: false, cs: false}`), runs their effects
 * from the stored digests under the policy now saved (effects.ts: facts, episodes, tasks, holds;
 * every rule judged from the inputs the digest keeps, the stall from its milestones and the health
 * drop from its score series; no vendor read, except a linked source the account never had read
 * or a CS digest stored before those inputs were kept) and sends the page after it.
 * The last page writes the audit line `automations.rejudge.complete` with the count.
 *
 * Idempotent: an episode already open keeps its key, so its task is not filed a second time (and
 * an open episode's task is only ensured while young, as on any change); facts are written only
 * where they changed. An account that fails keeps its mark, and the poll's sweep of marks left
 * behind runs it again, so the chain never stops on one account. A second save while a chain runs
 * starts another chain: the accounts are judged twice, to the same result.
 */
import { z } from 'zod';
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import { markDirtyStatement } from '../../storage/account-changes.js';
import { auditStatement } from '../../storage/audit.js';
import { runAccountEffects } from './consume.js';

/** Accounts judged per queue delivery (each runs its effects; CRM writes are batched per page). */
export const REJUDGE_PAGE = 100;

/** A page of the re-judging: the accounts after `after` (null: from the first). */
export const RejudgeMessageSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('automations.rejudge'),
    tenantId: z.string().min(1).max(64),
    correlationId: z.string().min(1).max(128),
    after: z.string().min(1).max(64).nullable(),
    /** Accounts judged by the pages before this one. */
    done: z.number().int().min(0),
  })
  .strict();
export type RejudgeMessage = z.infer<typeof RejudgeMessageSchema>;

/** Starts the re-judging of the tenant's accounts (the policy is already saved). */
export async function startRejudge(env: Env, tenantId: string, correlationId: string): Promise<void> {
  await env.SYNC.send({ v: 1, kind: 'automations.rejudge', tenantId, correlationId, after: null, done: 0 } satisfies RejudgeMessage);
}

/** One page: its accounts' effects run, then the next page sent (or the completion audited). */
export async function rejudgePage(env: Env, m: RejudgeMessage, log: Logger): Promise<void> {
  const { results } = await env.DB.prepare('SELECT account_id AS id FROM account_states WHERE tenant_id = ? AND account_id > ? ORDER BY account_id LIMIT ?')
    .bind(m.tenantId, m.after ?? '', REJUDGE_PAGE)
    .all<{ id: string }>();
  const ids = results.map((r) => r.id);
  let failed = 0;
  if (ids.length > 0) {
    await env.DB.batch(ids.map((id) => markDirtyStatement(env.DB, m.tenantId, id, { erp: false, cs: false })));
    failed = (await runAccountEffects(env, m.tenantId, ids, m.correlationId, log, { rejudge: true })).size;
  }
  const done = m.done + ids.length;
  log.info('automations.rejudge.page', { accounts: ids.length, failed, done });
  if (ids.length === REJUDGE_PAGE) {
    await env.SYNC.send({ ...m, after: ids.at(-1)!, done } satisfies RejudgeMessage);
    return;
  }
  await auditStatement(env.DB, { tenantId: m.tenantId, actor: 'concord', action: 'automations.rejudge.complete', entityType: 'flow_settings', entityId: 'automations', after: { accounts: done }, correlationId: m.correlationId }).run();
}
