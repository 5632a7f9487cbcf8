/**
 * The `EVENTS` queue consumer.
 *
 * Cloudflare Queues deliver at least once, unordered, in batches of up to 100, and redeliver a
 * message until it is acked or its retries run out, then move it to the dead-letter queue
 * (https://developers.cloudflare.com/queues/configuration/batching-retries/,
 * https://developers.cloudflare.com/queues/configuration/dead-letter-queues/). So every message is
 * acked or retried on its own: one bad message never redelivers the others.
 *
 * `consumeEvents` applies each CRM change exactly once (storage/events.ts `applyChange`), then
 * invalidates the cached account view of a changed company; ERP and CS changes go through the
 * change pipeline (flows/account-changes: record read back, claimed once, account view rebuilt,
 * digest stored, facts written on the CRM records in batches; a burst's accounts are handed to the
 * writes queue, whose consumer runs their effects many accounts at once,
 * flows/account-changes/effects-queue.ts), and closed-won write-backs are written onto their
 * deals and companies (flows/closed-won/writeback.ts). A failure is noted in D1 and the message retried
 * with backoff; a message that can never succeed (malformed, or a business failure) is
 * dead-lettered at once and acked (queues/dead-letter.ts).
 */
import type { Env } from '../env.js';
import { ConcordError, decisionFor } from '../errors.js';
import type { Logger } from '../ops/log.js';
import { applyChange, putDeadLetter, recordFailure } from '../storage/events.js';
import { accountIdFor } from '../storage/identity.js';
import { invalidateAccountView } from '../services/account-view.js';
import { dropPayload } from '../storage/event-payloads.js';
import { withValue } from './value.js';
import { dealChangesIntake, isDealChange } from '../flows/closed-won/crm-intake.js';
import { deadLetterId, failureReason, loggerFor, parseOrDeadLetter } from './dead-letter.js';
import { companyChangesIntake, isCompanyIdentityChange } from './identity-intake.js';
import { consumeAccountChanges, type PipelineItem } from '../flows/account-changes/consume.js';
import { consumeWritebacks, writebackDeadLettered } from '../flows/closed-won/writeback.js';
import { consumeAccountEffects } from '../flows/account-changes/effects-queue.js';
import { summarize, type AccountEffectsRun, type ChangeMessage, type CrmChange, type FlowWriteback } from './messages.js';

/** Longest backoff between redeliveries of a failing message. */
const MAX_DELAY_SECONDS = 300;

/**
 * Applies one change: record it (exactly once, ordered), then refresh what depends on it. Returns
 * the change when it is applied (also on a duplicate of an applied change), for the flows.
 */
async function apply(env: Env, sent: CrmChange, log: Logger): Promise<CrmChange | null> {
  // A value sent by reference is read back first, and dropped once the change is recorded.
  const m = await withValue(env, sent);
  if (!m) {
    log.info('event.duplicate', { why: 'value reference already applied' });
    return null;
  }
  // The vendor account that reported the change: a HubSpot portal, a Salesforce org (its poll).
  const outcome = await applyChange(env.DB, m, `${m.system}_${m.system === 'salesforce' ? 'org' : 'portal'}:${m.externalAccount}`);
  if (sent.valueRef) await dropPayload(env.DB, m.tenantId, sent.valueRef);
  log.info(outcome.claimed ? `event.${outcome.status}` : 'event.duplicate', { objectType: m.objectType, objectId: m.objectId, change: m.change, property: m.property });
  // Also on a duplicate of an applied change: the first delivery may have failed right here.
  if (outcome.status === 'applied' && m.objectType === 'company') {
    const accountId = await accountIdFor(env.DB, m.tenantId, m.system, m.objectId);
    if (accountId) await invalidateAccountView(env, m.tenantId, accountId);
  }
  return outcome.status === 'applied' ? m : null;
}

/** What to do with a message whose work failed: retry with backoff, or dead-letter it at once. */
async function failed(env: Env, msg: Message<unknown>, m: ChangeMessage, err: unknown, log: Logger): Promise<void> {
  const reason = failureReason(err);
  const decision = err instanceof ConcordError ? decisionFor(err.error, msg.attempts) : { action: 'retry' as const, delayMs: 0 };
  if (decision.action === 'stop') {
    // A business failure does not heal by retrying: straight to the dead-letter store.
    log.warn('event.dead_lettered', { reason });
    await putDeadLetter(env.DB, { tenantId: m.tenantId, id: deadLetterId(m.idempotencyKey), kind: m.kind, summary: summarize(m), payload: m, error: reason, attempts: msg.attempts });
    if (m.kind === 'flow.writeback') await env.DB.batch(writebackDeadLettered(env, m, reason));
    msg.ack();
    return;
  }
  log.warn('event.retry', { reason });
  await recordFailure(env.DB, m.tenantId, m.idempotencyKey, msg.attempts, reason).catch((e: unknown) =>
    log.error('event.failure_not_recorded', { error: e instanceof Error ? e.message : String(e) }),
  );
  const backoff = Math.min(MAX_DELAY_SECONDS, 2 ** Math.max(0, msg.attempts - 1));
  msg.retry({ delaySeconds: Math.max(backoff, Math.ceil((decision.action === 'retry' ? decision.delayMs : 0) / 1000)) });
}

/** Changes a later step handles together per tenant and CRM, acked only once it has. */
type Grouped = Map<string, { msg: Message<unknown>; m: CrmChange; log: Logger }[]>;

function group(into: Grouped, item: { msg: Message<unknown>; m: CrmChange; log: Logger }): void {
  const key = `${item.m.tenantId}:${item.m.system}`;
  into.set(key, [...(into.get(key) ?? []), item]);
}

/** Runs a batched step per group; a failing group is retried (its redelivery finds the changes applied). */
async function runGroups(env: Env, groups: Grouped, step: (tenantId: string, changes: CrmChange[]) => Promise<void>): Promise<void> {
  for (const items of groups.values()) {
    try {
      await step(items[0]!.m.tenantId, items.map((g) => g.m));
      for (const g of items) g.msg.ack();
    } catch (err) {
      for (const g of items) await failed(env, g.msg, g.m, err, g.log);
    }
  }
}

/**
 * The `EVENTS` queue consumer. Deal changes are acked only after the closed-won intake has seen
 * them, company changes that can change who the company is (creation, name, domain, place) only
 * after identity linking has resolved the company; both are batched per tenant (one CRM read per
 * 100 records). If a batched step fails its changes are retried, and their redelivery finds the
 * change applied and runs the step again (both are idempotent).
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deals: Grouped = new Map();
  const companies: Grouped = new Map();
  const pipeline = new Map<PipelineItem, Message<unknown>>();
  const writebacks = new Map<FlowWriteback, { msg: Message<unknown>; log: Logger }>();
  const effects = new Map<AccountEffectsRun, { msg: Message<unknown>; log: Logger }>();
  for (const msg of batch.messages) {
    const m = await parseOrDeadLetter(env, msg);
    if (!m) continue;
    const log = loggerFor(env, { correlationId: m.correlationId, tenant: m.tenantId, eventKey: m.idempotencyKey.slice(0, 12), attempt: msg.attempts });
    if (m.kind === 'flow.writeback') {
      writebacks.set(m, { msg, log });
      continue;
    }
    if (m.kind === 'account.effects') {
      effects.set(m, { msg, log });
      continue;
    }
    if (m.kind !== 'crm.change') {
      pipeline.set({ m, log }, msg);
      continue;
    }
    try {
      const applied = await apply(env, m, log);
      if (applied && isDealChange(applied)) {
        group(deals, { msg, m: applied, log });
        continue;
      }
      if (applied && isCompanyIdentityChange(applied)) {
        group(companies, { msg, m: applied, log });
        continue;
      }
      msg.ack();
    } catch (err) {
      await failed(env, msg, m, err, log);
    }
  }
  if (pipeline.size > 0) {
    // One pass for the whole batch: each account's effects once, CRM writes batched per system.
    let errors: Map<PipelineItem, unknown>;
    try {
      errors = await consumeAccountChanges(env, [...pipeline.keys()]);
    } catch (err) {
      errors = new Map([...pipeline.keys()].map((item) => [item, err]));
    }
    for (const [item, msg] of pipeline) {
      const err = errors.get(item);
      if (err === undefined) msg.ack();
      else await failed(env, msg, item.m, err, item.log);
    }
  }
  // Every run's write-back of this batch in a few batched CRM calls per tenant.
  await settle(env, writebacks, (ms) => consumeWritebacks(env, ms));
  // A burst's accounts, their effects run together: CRM facts in a few batched calls per tenant.
  await settle(env, effects, (ms) => consumeAccountEffects(env, new Map(ms.map((m) => [m, effects.get(m)!.log]))));
  await runGroups(env, deals, (tenantId, changes) => dealChangesIntake(env, tenantId, changes));
  await runGroups(env, companies, (tenantId, changes) => companyChangesIntake(env, tenantId, changes));
}

/**
 * Runs one batched step over `items` (the messages it answers for) and acks each message whose
 * step succeeded; the others are retried or dead-lettered with their error. A step that throws
 * fails all of them.
 */
async function settle<M extends ChangeMessage>(env: Env, items: ReadonlyMap<M, { msg: Message<unknown>; log: Logger }>, step: (ms: M[]) => Promise<Map<M, unknown>>): Promise<void> {
  if (items.size === 0) return;
  let errors: Map<M, unknown>;
  try {
    errors = await step([...items.keys()]);
  } catch (err) {
    errors = new Map([...items.keys()].map((m) => [m, err]));
  }
  for (const [m, { msg, log }] of items) {
    const err = errors.get(m);
    if (err === undefined) msg.ack();
    else await failed(env, msg, m, err, log);
  }
}
