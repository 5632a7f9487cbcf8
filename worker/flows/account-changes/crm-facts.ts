/**
 * Concord's facts onto the CRM records of changed accounts, batched: one guarded
 * `writeAccountFacts` call per CRM system for every account of a queue batch (the connectors
 * send HubSpot batch updates of 100 and Salesforce Collections of 200, paced by the tenant's
 * limiter), with only the facts that differ from what Concord last wrote on each record
 * (`crm_fact_writes`). The write guard decides each fact with the tenant's ownership matrix and
 * records what it refuses; a refused value is remembered, so the same refusal is not repeated on
 * every change (a new value is tried, and refused, again).
 *
 * Never echoed back as a change: HubSpot's webhook subscriptions the app declares
 * (extensions/hubspot webhooks-hsmeta.json) name no `concord_*` property, and the Salesforce
 * Account poll (crm-poll.ts) turns only changed identity fields into changes, never Concord_* ones.
 */
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import type { AccountFacts } from '../../ports/facts.js';
import { changedFacts } from '../../policies/account-facts/index.js';
import { portsFor } from '../../ports/registry.js';
import type { ServiceContext } from '../../services/context.js';
import { recordWrittenStatement, writtenFacts } from '../../storage/account-changes.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import type { CrmTarget } from './effects.js';
import { FLOW } from './intake.js';

export interface FactsToWrite {
  accountId: string;
  facts: AccountFacts;
  targets: CrmTarget[];
}

/** What the writes came to: accounts whose write failed (retried), and what was done. */
export interface CrmWriteReport {
  failedAccounts: Map<string, unknown>;
  /** Per CRM system: records written, upstream calls, facts refused. */
  systems: Record<string, { records: number; calls: number; refused: string[] }>;
}

/**
 * Writes the changed facts of `items`; `by` names the flow and actor the write guard records and
 * the audit line carries (the change pipeline by default; a backfill run passes its own).
 */
export async function writeCrmFacts(env: Env, ctx: ServiceContext, items: readonly FactsToWrite[], by: { flow: string; actor: string } = { flow: FLOW, actor: 'concord' }): Promise<CrmWriteReport> {
  const report: CrmWriteReport = { failedAccounts: new Map(), systems: {} };
  const targets = items.flatMap((i) => i.targets.map((t) => ({ ...t, accountId: i.accountId, facts: i.facts })));
  if (targets.length === 0) return report;
  const last = await writtenFacts(env.DB, ctx.tenantId, targets);
  const ports = portsFor(env, ctx, { flow: by.flow, actor: by.actor });
  const statements: D1PreparedStatement[] = [];

  for (const system of new Set<System>(targets.map((t) => t.system))) {
    // A CRM disconnected since the identity sync linked the record: nothing to write to.
    if ((await ports.systemFor('crm', system)) !== system) continue;
    const updates = targets
      .filter((t) => t.system === system)
      .map((t) => {
        const held = last.get(`${system}:${t.recordId}`) ?? { written: {}, refused: {} };
        return { target: t, held, facts: changedFacts({ ...held.written, ...held.refused }, t.facts) };
      })
      .filter((u) => Object.keys(u.facts).length > 0);
    if (updates.length === 0) continue;
    let result;
    try {
      const crm = await ports.crm(system);
      result = await crm.writeAccountFacts!(
        updates.map((u) => ({ recordId: u.target.recordId, accountId: u.target.accountId, facts: u.facts })),
        { concurrency: 2 },
      );
    } catch (err) {
      for (const u of updates) report.failedAccounts.set(u.target.accountId, err);
      continue;
    }
    const refused = new Set((result.refused ?? []).map((r) => r.attribute));
    const failed = new Map(result.failed.map((f) => [f.externalId, f.message]));
    report.systems[system] = { records: updates.length - failed.size, calls: result.calls, refused: [...refused] };
    statements.push(
      auditStatement(env.DB, {
        tenantId: ctx.tenantId,
        actor: by.actor,
        action: 'crm.facts.write',
        entityType: 'connection',
        entityId: system,
        after: { flow: by.flow, records: updates.length, updated: result.updated, failed: failed.size, calls: result.calls, refused: [...refused] },
        correlationId: ctx.correlationId,
      }),
    );
    for (const u of updates) {
      const why = failed.get(u.target.recordId);
      if (why !== undefined) {
        report.failedAccounts.set(u.target.accountId, new ConcordError({ kind: 'upstream_validation', system, detail: why.slice(0, 300) }));
        continue;
      }
      const written = { ...u.held.written };
      const refusedNow = { ...u.held.refused };
      for (const [fact, value] of Object.entries(u.facts)) {
        if (refused.has(fact)) refusedNow[fact] = value;
        else {
          written[fact] = value;
          delete refusedNow[fact];
        }
      }
      statements.push(recordWrittenStatement(env.DB, { tenantId: ctx.tenantId, system, recordId: u.target.recordId, accountId: u.target.accountId, written, refused: refusedNow }));
    }
  }
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
  return report;
}
