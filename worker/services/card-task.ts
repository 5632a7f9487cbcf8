/**
 * "Create follow-up task" from the HubSpot card: a HubSpot task associated with the record's
 * company (and the deal it was created from), created at most once per request.
 *
 * Idempotency: the key is the caller's `Idempotency-Key` when given, else a hash of the request
 * itself (record, subject, due date) — the card sends no key, and a double click or HubSpot's
 * automatic retry repeats exactly the same request. The key is claimed in D1 before HubSpot is
 * called and completed with the task id in the same batch as the audit row.
 */
import { createFollowUpTask } from '../connectors/hubspot/cards.js';
import type { HubSpotCardObject } from '../connectors/hubspot/map.js';
import type { Env } from '../env.js';
import { ConcordError, fail } from '../errors.js';
import { auditStatement } from '../storage/audit.js';
import { claimAction, completeAction, releaseAction } from '../storage/card-actions.js';
import { sha256Hex } from '../storage/crypto.js';
import { connectionFor, type ServiceContext } from './context.js';
import { resolveCrmRecord } from './crm-record.js';

export interface CardTaskRequest {
  objectType: HubSpotCardObject;
  objectId: string;
  subject: string;
  /** YYYY-MM-DD */
  dueDate: string;
}

export interface CardTaskResult {
  id: string;
  /** True when an earlier identical request already created this task. */
  replayed: boolean;
}

const ACTION = 'hubspot.task.create';

export async function createCardTask(
  env: Env,
  ctx: ServiceContext & { actor: string },
  req: CardTaskRequest,
  idempotencyKey: string | undefined,
): Promise<CardTaskResult> {
  const requestHash = await sha256Hex(JSON.stringify([req.objectType, req.objectId, req.subject, req.dueDate]));
  const key = await sha256Hex(`${ACTION}|${idempotencyKey ? `k:${idempotencyKey}` : `r:${requestHash}`}`);
  const claim = await claimAction(env.DB, ctx.tenantId, key, ACTION, requestHash);
  switch (claim.kind) {
    case 'done':
      return { id: claim.resultId, replayed: true };
    case 'in_progress':
      fail({ kind: 'conflict', message: 'The same task is being created right now; try again in a moment.' });
    case 'mismatch':
      fail({ kind: 'conflict', message: 'This Idempotency-Key was already used for a different task.' });
    case 'claimed':
      break;
  }

  let created: { id: string };
  let accountId: string | null;
  let companyId: string | null;
  try {
    ({ accountId, crmAccountId: companyId } = await resolveCrmRecord(env, ctx, { system: 'hubspot', objectType: req.objectType, objectId: req.objectId }));
    created = await createFollowUpTask(
      await connectionFor(env, ctx, 'hubspot'),
      ctx,
      { subject: req.subject, dueDate: req.dueDate, body: 'Follow-up created from the Concord account review card.' },
      { companyId, from: { type: req.objectType, id: req.objectId } },
    );
  } catch (err) {
    // HubSpot refused (or was never called): let the user's retry try again. After a timeout or
    // 5xx the task may exist: keep the claim, so retries get 409 until it is retaken (60 s).
    const unknownOutcome = err instanceof ConcordError && (err.error.kind === 'timeout' || err.error.kind === 'upstream');
    if (!unknownOutcome) await releaseAction(env.DB, ctx.tenantId, key);
    throw err;
  }

  await env.DB.batch([
    completeAction(env.DB, ctx.tenantId, key, created.id),
    auditStatement(env.DB, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'crm.task.create',
      // Filed under the canonical account when linked, so the CSM panel's history shows it.
      entityType: accountId ? 'account' : 'hubspot_company',
      entityId: accountId ?? companyId ?? `deal:${req.objectId}`,
      after: { system: 'hubspot', taskId: created.id, subject: req.subject, dueDate: req.dueDate, objectType: req.objectType, objectId: req.objectId, companyId },
      correlationId: ctx.correlationId,
    }),
  ]);
  ctx.log.info('card_task.created', { taskId: created.id, objectType: req.objectType });
  return { id: created.id, replayed: false };
}
