/**
 * Install-time setup in a CRM: Concord's own property group and properties in HubSpot. Run after
 * a HubSpot connection is stored (OAuth install or credential entry). A failure (e.g. a missing
 * `crm.schemas.companies.write` scope) does not undo the connection: it is logged, audited and
 * reported to the caller, and the next connect retries it.
 */
import type { Env } from '../env.js';
import { ConcordError, toProblem } from '../errors.js';
import { auditStatement } from '../storage/audit.js';
import type { System } from '../storage/connections.js';
import { portsFor } from '../ports/registry.js';
import type { ServiceContext } from './context.js';

export type CrmSetup = { status: 'ready'; created: string[] } | { status: 'failed'; code: string } | { status: 'not_needed' };

export async function setUpCrm(env: Env, ctx: ServiceContext, system: System, actor: string): Promise<CrmSetup> {
  if (system !== 'hubspot') return { status: 'not_needed' };
  try {
    const crm = await portsFor(env, ctx, { flow: 'crm.setup', actor }).crm(system);
    const { created } = await crm.setUp!();
    if (created.length > 0) {
      await auditStatement(env.DB, { tenantId: ctx.tenantId, actor, action: 'crm.properties_created', entityType: 'connection', entityId: system, after: { created }, correlationId: ctx.correlationId }).run();
    }
    return { status: 'ready', created };
  } catch (err) {
    const code = err instanceof ConcordError ? toProblem(err.error).code : 'internal_error';
    ctx.log.warn('crm_setup.failed', { system, code });
    return { status: 'failed', code };
  }
}
