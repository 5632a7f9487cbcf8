/**
 * The first half of the change pipeline, per message: what changed, recorded exactly once.
 * - `erp.change`: the event is a pointer, so the record is read back from the ERP (as it is now,
 *   whatever the event said); its version (last modified) is claimed once, newest wins per
 *   record, and its history lines ("Invoice INV-002749 paid in NetSuite") are written with the
 *   claim; the account it belongs to is marked for its effects (effects.ts). A customer no
 *   account holds yet (created in the ERP after the first sync) is linked first
 *   (services/identity/incremental.ts `linkErpCustomers`).
 * - `cs.change`: the CS record's version is claimed and its account marked; what changed shows in
 *   the account's digest when the effects read the account's CS data again. A CS account no
 *   account holds yet is linked first (`linkCsAccounts`).
 * A duplicate (the same version claimed earlier) writes nothing, and an ERP message whose own
 * version is claimed already is not even read back; the caller still runs the effects of an
 * account left marked by a delivery that failed after its claim.
 */
import type { Env } from '../../env.js';
import { fail } from '../../errors.js';
import { CS_PART_OF } from '../../model/changes.js';
import type { Logger } from '../../ops/log.js';
import { portsFor } from '../../ports/registry.js';
import { erpVersionKey, wholeSeconds, type CsChange, type ErpChange } from '../../queues/messages.js';
import { SYSTEM_LABEL } from '../../services/audit-summary.js';
import { serviceContext } from '../../services/context.js';
import { linkCsAccounts, linkErpCustomers } from '../../services/identity/incremental.js';
import { isProcessed } from '../../storage/events.js';
import { accountIdFor } from '../../storage/identity.js';
import { applyRecordChange, lastRecordSummary } from '../../storage/record-changes.js';
import { erpRecordHistory, summaryOf, type RecordSummary } from './history.js';

/** Who the pipeline's reads and writes are attributed to. */
export const FLOW = 'account-changes';

/** What one message came to: the account it touched (null: none linked), and whether it was new. */
export interface IntakeOutcome {
  accountId: string | null;
  status: 'applied' | 'superseded' | 'duplicate';
}

/** Queue work may wait for a vendor's window to roll; a card would not. */
export const QUEUE_WAIT_MS = 30_000;

export async function intakeErpChange(env: Env, m: ErpChange, log: Logger): Promise<IntakeOutcome> {
  const ctx = serviceContext(env, { tenantId: m.tenantId, correlationId: m.correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const erp = await portsFor(env, ctx, { flow: FLOW, actor: `${m.system}:${m.externalAccount}` }).erp();
  // The account's ERP must be the system that reported the change (a tenant switched ERPs meanwhile).
  if (erp.system !== m.system) fail({ kind: 'not_connected', system: m.system });
  if (!erp.changedRecord) fail({ kind: 'internal', message: `${erp.system} cannot read changed records back` });
  const [claimed, previous] = await Promise.all([
    isProcessed(env.DB, m.tenantId, m.idempotencyKey),
    lastRecordSummary(env.DB, m.tenantId, m.system, m.recordType, m.recordId) as Promise<RecordSummary | null>,
  ]);
  if (claimed) {
    // This version was claimed already (a duplicate push, the poll racing the push): nothing to
    // read back. A later version of the record is its own push or poll row, claimed on its own.
    // The account is still answered: a first delivery that failed after its claim left it marked.
    const customerId = m.recordType === 'customer' ? m.recordId : (previous?.customerId ?? null);
    const accountId = customerId ? await accountIdFor(env.DB, m.tenantId, m.system, customerId) : null;
    log.info('erp_change.duplicate', { recordType: m.recordType, recordId: m.recordId, via: m.via, account: accountId, read: false });
    return { accountId, status: 'duplicate' };
  }
  // A deletion the script reported (signed by the account's secret) is what the event says: NetSuite
  // never gives a deleted record's id to a new one, so there is nothing to read back.
  const version = m.eventType === 'delete' ? null : await erp.changedRecord(m.recordType, m.recordId);
  // A record that is gone is recorded at the instant the event reported; otherwise at its own.
  // Versions are whole seconds (NetSuite's precision), so a record edited and deleted within one
  // second has both at the same instant, and the newest-wins order would fall to the keys. A
  // deletion is final: it is recorded at the last millisecond of its second, after any version of
  // that second (a later second cannot bring a version of a deleted record: ids are never reused).
  const versionMs = version ? wholeSeconds(Date.parse(version.lastModified)) : wholeSeconds(m.lastModified) + 999;
  const versionKey = version ? await erpVersionKey({ externalAccount: m.externalAccount, recordType: m.recordType, recordId: m.recordId, lastModified: versionMs }) : m.idempotencyKey;
  const customerId = m.recordType === 'customer' ? m.recordId : (version?.customerId ?? previous?.customerId ?? null);
  let accountId = customerId ? await accountIdFor(env.DB, m.tenantId, m.system, customerId) : null;
  // A customer Concord has not linked (created in the ERP after the first sync): linked now, by
  // the rule identity sync uses, so its change reaches an account and the CRM.
  if (!accountId && version && m.recordType === 'customer') {
    await linkErpCustomers(env, ctx, m.system, [m.recordId]);
    accountId = await accountIdFor(env.DB, m.tenantId, m.system, m.recordId);
  }
  const outcome = await applyRecordChange(env.DB, {
    tenantId: m.tenantId,
    system: m.system,
    externalAccount: m.externalAccount,
    objectType: m.recordType,
    objectId: m.recordId,
    versionMs,
    versionKey,
    messageKey: m.idempotencyKey,
    change: version ? (m.eventType ?? 'changed') : 'delete',
    summary: version ? summaryOf(version) : previous,
    sourceEventId: m.sourceEventId,
    correlationId: m.correlationId,
    actor: `${m.system}_account:${m.externalAccount}`,
    accountId,
    mark: { erp: true, cs: false },
    history: erpRecordHistory(version, previous, m, SYSTEM_LABEL[m.system] ?? m.system),
  });
  log.info(outcome.claimed ? `erp_change.${outcome.status}` : 'erp_change.duplicate', { recordType: m.recordType, recordId: m.recordId, via: m.via, account: accountId });
  return { accountId, status: outcome.claimed ? outcome.status : 'duplicate' };
}

export async function intakeCsChange(env: Env, m: CsChange, log: Logger): Promise<IntakeOutcome> {
  let accountId = await accountIdFor(env.DB, m.tenantId, m.system, m.csAccountId);
  // A CS account Concord has not linked (created after the first sync): linked now, by the rule
  // identity sync uses, so its changes reach an account. Only on a change of the account itself:
  // its tasks and conversations do not re-run the scorer each time.
  if (!accountId && m.objectType === 'account') {
    const ctx = serviceContext(env, { tenantId: m.tenantId, correlationId: m.correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
    await linkCsAccounts(env, ctx, m.system, [m.csAccountId]);
    accountId = await accountIdFor(env.DB, m.tenantId, m.system, m.csAccountId);
  }
  const outcome = await applyRecordChange(env.DB, {
    tenantId: m.tenantId,
    system: m.system,
    externalAccount: m.externalAccount,
    objectType: m.objectType,
    objectId: m.objectId,
    versionMs: m.updatedAt,
    versionKey: m.idempotencyKey,
    messageKey: m.idempotencyKey,
    change: 'changed',
    summary: { csAccountId: m.csAccountId },
    sourceEventId: m.sourceEventId,
    correlationId: m.correlationId,
    actor: `${m.system}:${m.externalAccount}`,
    accountId,
    mark: { erp: false, cs: true, csParts: [CS_PART_OF[m.objectType]] },
    history: [],
  });
  log.info(outcome.claimed ? `cs_change.${outcome.status}` : 'cs_change.duplicate', { objectType: m.objectType, objectId: m.objectId, via: m.via, account: accountId });
  return { accountId, status: outcome.claimed ? outcome.status : 'duplicate' };
}
