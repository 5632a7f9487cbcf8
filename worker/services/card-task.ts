/**
 * Idempotent CRM writes, and the card's "Create follow-up task" built on them.
 *
 * `runOnce` is the one path for "create at most once per key": the key is claimed in D1
 * (`card_actions`) before the vendor is called and completed with the created id afterwards (in
 * the same batch as any audit row); a retry finds the first result. `d1Ledger` offers it to
 * connectors as the port's IdempotencyLedger (CRM tasks and notes).
 *
 * The card's key is the caller's `Idempotency-Key` when given, else a hash of the request itself
 * (record, subject, due date) — the card sends no key, and a double click or HubSpot's automatic
 * retry repeats exactly the same request.
 */
import type { HubSpotCardObject } from '../connectors/hubspot/map.js';
import type { Env } from '../env.js';
import { ConcordError, fail } from '../errors.js';
import type { CrmWriteResult, IdempotencyLedger } from '../ports/index.js';
import { auditStatement } from '../storage/audit.js';
import { claimAction, completeAction, releaseAction } from '../storage/card-actions.js';
import { sha256Hex } from '../storage/crypto.js';
import { portsFor } from '../ports/registry.js';
import type { ServiceContext } from './context.js';
import { resolveCrmRecord } from './crm-record.js';

/** One idempotent create: what it is, the caller's key (else the request decides), the request. */
export interface OnceSpec {
  action: string;
  idempotencyKey?: string | undefined;
  /** Canonical request fields: the same key with a different request is refused (409). */
  request: unknown;
}

/**
 * Create at most once per (tenant, action, key). `create` returns the vendor's id; `recordWith`
 * adds statements (audit) to the batch that completes the claim.
 */
export async function runOnce(
  db: D1Database,
  tenantId: string,
  spec: OnceSpec,
  create: () => Promise<string>,
  recordWith: (id: string) => D1PreparedStatement[] = () => [],
): Promise<CrmWriteResult> {
  const requestHash = await sha256Hex(JSON.stringify(spec.request));
  const key = await sha256Hex(`${spec.action}|${spec.idempotencyKey ? `k:${spec.idempotencyKey}` : `r:${requestHash}`}`);
  const claim = await claimAction(db, tenantId, key, spec.action, requestHash);
  switch (claim.kind) {
    case 'done':
      return { id: claim.resultId, replayed: true };
    case 'in_progress':
      fail({ kind: 'conflict', message: 'The same write is in progress right now; try again in a moment.' });
    case 'mismatch':
      fail({ kind: 'conflict', message: 'This Idempotency-Key was already used for a different request.' });
    case 'claimed':
      break;
  }
  let id: string;
  try {
    id = await create();
  } catch (err) {
    // The vendor refused (or was never called): let a retry try again. After a timeout or 5xx
    // the object may exist: keep the claim, so retries get 409 until it is retaken (60 s).
    const unknownOutcome = err instanceof ConcordError && (err.error.kind === 'timeout' || err.error.kind === 'upstream');
    if (!unknownOutcome) await releaseAction(db, tenantId, key);
    throw err;
  }
  await db.batch([completeAction(db, tenantId, key, id), ...recordWith(id)]);
  return { id, replayed: false };
}

/** The D1 ledger connectors record idempotent writes in (one tenant). */
export function d1Ledger(db: D1Database, tenantId: string): IdempotencyLedger {
  return { once: (action, idempotencyKey, request, create) => runOnce(db, tenantId, { action, idempotencyKey, request }, create) };
}

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

/**
 * The card's "Create follow-up task": on the record's company (and the deal it was clicked on),
 * through the CRM port, whose ledger makes it idempotent. Without an Idempotency-Key the request
 * itself is the key: a double click or HubSpot's automatic retry repeats exactly the same request.
 */
export async function createCardTask(
  env: Env,
  ctx: ServiceContext & { actor: string },
  req: CardTaskRequest,
  idempotencyKey: string | undefined,
): Promise<CardTaskResult> {
  const key = idempotencyKey ?? `request:${await sha256Hex(JSON.stringify([req.objectType, req.objectId, req.subject, req.dueDate]))}`;
  const { accountId, crmAccountId: companyId } = await resolveCrmRecord(env, ctx, { system: 'hubspot', objectType: req.objectType, objectId: req.objectId });
  const crm = await portsFor(env, ctx, { flow: 'card.task', actor: ctx.actor }).crm('hubspot', { interactive: true });
  const result = await crm.createTask!(
    { companyId, ...(req.objectType === 'deals' ? { dealId: req.objectId } : {}) },
    { subject: req.subject, dueDate: req.dueDate, body: 'Follow-up created from the Concord account review card.', idempotencyKey: key },
  );
  if (!result.replayed) {
    await auditStatement(env.DB, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'crm.task.create',
      // Filed under the canonical account when linked, so the CSM panel's history shows it.
      entityType: accountId ? 'account' : 'hubspot_company',
      entityId: accountId ?? companyId ?? `deal:${req.objectId}`,
      after: { system: 'hubspot', taskId: result.id, subject: req.subject, dueDate: req.dueDate, objectType: req.objectType, objectId: req.objectId, companyId },
      correlationId: ctx.correlationId,
    }).run();
    ctx.log.info('card_task.created', { taskId: result.id, objectType: req.objectType });
  }
  return result;
}
