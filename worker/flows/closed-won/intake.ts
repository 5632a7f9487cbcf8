/**
 * Starting and resuming ClosedWonToOrder runs. A run's id is derived from the deal (params.ts),
 * so every intake path (HubSpot webhook, Salesforce callout, demo, API) can start it as often as
 * its events arrive: the first start creates the run, the rest find it and change nothing.
 */
import type { Env } from '../../env.js';
import { fail } from '../../errors.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { auditStatement } from '../../storage/audit.js';
import { getRun, insertRun, markResumed } from '../../storage/flow-runs.js';
import { ClosedWonParamsSchema, RESUME_EVENT, runIdFor, type ClosedWonParams, type Resume } from './params.js';
import { FLOW } from './settings.js';

export interface Started {
  runId: string;
  /** False when the run existed already (a duplicate or repeated closed-won event). */
  started: boolean;
}

async function exists(env: Env, id: string): Promise<boolean> {
  try {
    await (await env.CLOSED_WON.get(id)).status();
    return true;
  } catch {
    return false;
  }
}

/**
 * Start the deal's run unless it exists; recorded (`flow_runs`) and audited under the event's
 * correlation id. The `flow_runs` row is claimed first: only the intake that inserts it creates
 * the instance, so duplicates never start twice, whatever the engine does with a repeated id
 * (Cloudflare refuses it; the local engine resumes the existing instance). A row without an
 * instance (an intake that died between the two) is completed by the next intake.
 * `preloaded`: the deal as the intake already read it (batched), so the run's first load is free.
 */
export async function startClosedWon(env: Env, params: ClosedWonParams, actor: string, preloaded?: CrmOrderSource): Promise<Started> {
  const p = ClosedWonParamsSchema.parse(params);
  const runId = runIdFor(p);
  const claim = await insertRun(env.DB, p.tenantId, { id: runId, flow: FLOW, sourceSystem: p.source, sourceRecord: p.dealId, correlationId: p.correlationId, trigger: p.trigger }).run();
  if (claim.meta.changes === 0 && (await exists(env, runId))) return { runId, started: false };
  return { runId, started: await createInstance(env, p, actor, preloaded) };
}

/**
 * Create the claimed run's Workflow instance, audited; false when it exists (a concurrent intake
 * of the same deal got there first: `create` with an existing id fails).
 */
export async function createInstance(env: Env, p: ClosedWonParams, actor: string, preloaded?: CrmOrderSource): Promise<boolean> {
  const runId = runIdFor(p);
  try {
    await env.CLOSED_WON.create({ id: runId, params: { ...p, ...(preloaded ? { preloaded } : {}) } });
  } catch (err) {
    if (await exists(env, runId)) return false;
    throw err;
  }
  await auditStatement(env.DB, { tenantId: p.tenantId, actor, action: 'flow.closed_won.started', entityType: 'flow_run', entityId: runId, after: { source: p.source, dealId: p.dealId, trigger: p.trigger }, correlationId: p.correlationId }).run();
  return true;
}

/** The parameters a run was claimed with, from its `flow_runs` row (null when they cannot be told). */
export function paramsOfRow(r: { tenantId: string; id: string; sourceSystem: string; sourceRecord: string; correlationId: string; trigger: string | null }): ClosedWonParams | null {
  const m = /^(hubspot|salesforce)-([A-Za-z0-9]{1,20})-(?:deal|opp)-([A-Za-z0-9]{1,20})$/.exec(r.id);
  if (!m || m[1] !== r.sourceSystem || m[3] !== r.sourceRecord) return null;
  const parsed = ClosedWonParamsSchema.safeParse({ tenantId: r.tenantId, source: m[1], externalAccount: m[2], dealId: m[3], correlationId: r.correlationId, trigger: r.trigger });
  return parsed.success ? parsed.data : null;
}

/**
 * Wake a blocked or failed run (its record was fixed, a person pressed retry, a dead letter was
 * replayed). A run that is not waiting ignores the event; an unknown run is 404.
 */
export async function resumeClosedWon(env: Env, tenantId: string, runId: string, resume: Resume, correlationId: string): Promise<{ status: string }> {
  const run = await getRun(env.DB, tenantId, runId);
  if (!run || run.flow !== FLOW) fail({ kind: 'not_found', entity: 'flow_run', id: runId.slice(0, 64) });
  if (run.status !== 'blocked' && run.status !== 'failed') return { status: run.status };
  await (await env.CLOSED_WON.get(runId)).sendEvent({ type: RESUME_EVENT, payload: resume });
  // The run shows as running again at once (cards, console), unless the engine got there first.
  await env.DB.batch([
    markResumed(env.DB, tenantId, runId, run.updatedAt),
    auditStatement(env.DB, { tenantId, actor: resume.by, action: 'flow.closed_won.resumed', entityType: 'flow_run', entityId: runId, after: { reason: resume.reason }, correlationId }),
  ]);
  return { status: 'resumed' };
}
