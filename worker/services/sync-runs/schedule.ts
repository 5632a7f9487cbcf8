/**
 * The nightly reconcile (Cron Trigger `0 3 * * *`, wrangler.toml): one reconcile run per tenant
 * with a CRM connected, unless one is still in progress (its start answers 409, skipped here).
 */
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import type { Logger } from '../../ops/log.js';
import { startSyncRun } from './index.js';

/** The cron expression of the nightly reconcile. */
export const NIGHTLY_RECONCILE_CRON = '0 3 * * *';

export async function startNightlyReconcile(env: Env, log: Logger, correlationId: string): Promise<{ started: string[]; skipped: string[] }> {
  const { results } = await env.DB.prepare(`SELECT DISTINCT tenant_id AS tenantId FROM connections WHERE system IN ('hubspot','salesforce') ORDER BY tenant_id`).all<{ tenantId: string }>();
  const started: string[] = [];
  const skipped: string[] = [];
  for (const { tenantId } of results) {
    try {
      await startSyncRun(env, tenantId, { kind: 'reconcile', dryRun: false }, { actor: 'cron:nightly-reconcile', correlationId: `${correlationId}-${tenantId}` });
      started.push(tenantId);
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'conflict') skipped.push(tenantId);
      else log.error('sync.nightly_failed', { tenant: tenantId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  log.info('sync.nightly_reconcile', { started: started.length, skipped: skipped.length });
  return { started, skipped };
}
