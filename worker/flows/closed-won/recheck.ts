/**
 * Blocked orders re-checked every minute (the Cron Trigger, worker/index.ts): a run blocked at
 * pre-create validation waits for its record to be fixed, and no webhook says so for most fixes
 * (the Salesforce package calls out only when an Opportunity is won; HubSpot's subscriptions here
 * are the deal stage and the company's name and domain, not its tax id, address or the deal's
 * currency and terms). So the deals and Opportunities of the blocked runs are read back in
 * batches (the CRM port's `orderSources`: a handful of calls per 100 runs) and validated again
 * with the same rule the run uses (policies/orders `validateOrder`, the cached ERP reference
 * data, the tenant's closed-won settings). A run is woken (`resume`, reason `record_changed`)
 * when its record now passes, or its CRM-side problems are not those it shows (the run then shows
 * the current ones). A record that still has the same problems wakes nothing, so Concord's own
 * writes on the deal (its order status) never loop; a problem fixed in the ERP (a new item) is
 * the "retry" action's to pick up, since the run refreshes the reference data when woken.
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import { problemKey, validateOrder, type OrderIssue } from '../../policies/orders/index.js';
import { portsFor } from '../../ports/registry.js';
import { serviceContext } from '../../services/context.js';
import { loadReference } from '../../services/reference.js';
import { resumeClosedWon } from './intake.js';
import { closedWonSettings, FLOW } from './settings.js';

const ACTOR = 'cron:closed-won-recheck';
/** Runs re-checked per cron tick (oldest check first); more wait for the next minute. */
const MAX_RUNS = 500;
/** Records per CRM read (HubSpot batch reads take 100; Salesforce's IN list is kept the same). */
const CHUNK = 95;

interface BlockedRun {
  tenantId: string;
  id: string;
  system: string;
  record: string;
  exceptions: string | null;
  correlationId: string;
}

function storedIssues(json: string | null): Pick<OrderIssue, 'field' | 'code' | 'fixIn'>[] {
  try {
    const v = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((i): i is OrderIssue => typeof i === 'object' && i !== null && 'field' in i && 'code' in i) : [];
  } catch {
    return [];
  }
}

/** Re-check every blocked-at-validation run; returns how many were checked and woken. */
export async function recheckBlockedOrders(env: Env, log: Logger, correlationId: string): Promise<{ checked: number; resumed: number }> {
  const { results } = await env.DB.prepare(
    `SELECT tenant_id AS tenantId, id, source_system AS system, source_record AS record, exceptions_json AS exceptions, correlation_id AS correlationId
       FROM flow_runs WHERE flow = ? AND status = 'blocked' AND step = 'validate' ORDER BY updated_at LIMIT ?`,
  )
    .bind(FLOW, MAX_RUNS)
    .all<BlockedRun>();
  const groups = new Map<string, BlockedRun[]>();
  for (const r of results) groups.set(`${r.tenantId}\u0000${r.system}`, [...(groups.get(`${r.tenantId}\u0000${r.system}`) ?? []), r]);
  let resumed = 0;
  for (const runs of groups.values()) {
    const { tenantId, system } = runs[0]!;
    try {
      resumed += await recheckGroup(env, log, correlationId, tenantId, system as 'hubspot' | 'salesforce', runs);
    } catch (err) {
      // One tenant's CRM being down must not keep the others' orders blocked.
      log.warn('closed_won.recheck_failed', { tenant: tenantId, system, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (results.length > 0) log.info('closed_won.rechecked', { checked: results.length, resumed });
  return { checked: results.length, resumed };
}

async function recheckGroup(env: Env, log: Logger, correlationId: string, tenantId: string, system: 'hubspot' | 'salesforce', runs: BlockedRun[]): Promise<number> {
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: 30_000 });
  const crm = await portsFor(env, ctx, { flow: FLOW, actor: ACTOR }).crm(system);
  if (!crm.orderSources) return 0;
  const [ref, settings] = await Promise.all([loadReference(env, ctx), closedWonSettings(env.DB, tenantId)]);
  let resumed = 0;
  for (let i = 0; i < runs.length; i += CHUNK) {
    const part = runs.slice(i, i + CHUNK);
    const sources = await crm.orderSources([...new Set(part.map((r) => r.record))]);
    for (const run of part) {
      const source = sources.get(run.record);
      // A deal that is gone is the retry's (a person's) to settle, not a re-check's.
      if (!source) continue;
      const now = validateOrder(source, { ...ref, terms: ref.terms ?? [] }, settings);
      const changed = now.ok || problemKey(now.issues) !== problemKey(storedIssues(run.exceptions));
      if (!changed) continue;
      await resumeClosedWon(env, tenantId, run.id, { reason: 'record_changed', by: ACTOR }, run.correlationId);
      resumed++;
    }
  }
  return resumed;
}
