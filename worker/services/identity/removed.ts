/**
 * CRM companies that left the CRM: deleted, or merged into another record (Salesforce deletes a
 * merge's losing Accounts and sets their `MasterRecordId` to the winner; HubSpot's merge makes a
 * new company that both former ids now answer for, so both are losers and the new one the
 * winner). Concord must not keep
 * showing, or writing to, a record that is gone:
 * - a deleted record's link is removed from its account (audited `identity.unlink`); the account
 *   is kept while other records remain (it then shows no CRM record, its CRM section
 *   `not_linked`), and one left with no record at all is deleted with an audit entry;
 * - a merged record's link goes to the winner: the winner takes the loser's place when it was not
 *   linked, simply stays when both were in one account, and when the winner has an account of its
 *   own the loser's account is folded into it (its ERP / CS records follow) unless that would give
 *   an account two records of one ERP or CS system, in which case the loser's account is kept,
 *   without its CRM record, for a person to split or link;
 * - the record's identity evidence is dropped and open review cases about it are superseded.
 * Each record is read back first: one the CRM still has under its own id (restored from the
 * Recycle Bin or HubSpot's deleted records, or a late delivery) is left alone; a merged HubSpot
 * id reads back as the record it became, under that record's id, so it counts as gone. Idempotent: a record already unlinked only has its leftovers
 * dropped.
 */
import type { Env } from '../../env.js';
import { portsFor } from '../../ports/registry.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import { deleteEmptyAccount, deleteLink, getAccount, insertLink, moveLinks, type LinkRow } from '../../storage/identity.js';
import { dropRecords } from '../../storage/identity-records.js';
import type { ServiceContext } from '../context.js';
import { afterLinkChange, isCrm, type RecordRef } from './accounts.js';
import { linkCrmCompanies } from './incremental.js';
import { supersedeRemovedCases } from './supersede.js';

/** A CRM record gone from the CRM, and the record it was merged into (null: deleted). */
export interface RemovedRecord {
  externalId: string;
  mergedInto: string | null;
}

/** What removing the records did. */
export interface RemovalResult {
  /** Records whose link was removed or moved. */
  unlinked: string[];
  /** Records the CRM still has: left alone. */
  stillThere: string[];
  /** Accounts deleted because their last record left. */
  accountsDeleted: string[];
  accountsTouched: string[];
}

const ACTOR = 'system:identity-link';

/** Removes the links of CRM records deleted or merged away (see the module header). */
export async function removeCrmRecords(env: Env, ctx: ServiceContext, system: System, removed: readonly RemovedRecord[]): Promise<RemovalResult> {
  const out: RemovalResult = { unlinked: [], stillThere: [], accountsDeleted: [], accountsTouched: [] };
  const byId = new Map(removed.map((r) => [r.externalId, r]));
  if (byId.size === 0) return out;
  const crm = await portsFor(env, ctx, { flow: 'identity-link', actor: ACTOR }).crm(system);
  const present = new Set((await crm.companiesByIds!([...byId.keys()])).map((r) => r.externalId));
  const touched = new Set<string>();
  const refs: RecordRef[] = [];
  const winners = new Set<string>();
  for (const r of byId.values()) {
    if (present.has(r.externalId)) {
      out.stillThere.push(r.externalId);
      continue;
    }
    const writes = await removalWrites(env.DB, ctx, system, r, touched, out);
    writes.push(...dropRecords(env.DB, ctx.tenantId, system, [r.externalId]), ...(await supersedeRemovedCases(env.DB, ctx, system, r.externalId, r.mergedInto)));
    await env.DB.batch(writes);
    refs.push({ system, externalId: r.externalId });
    if (r.mergedInto) {
      refs.push({ system, externalId: r.mergedInto });
      winners.add(r.mergedInto);
    }
  }
  const live = [...touched].filter((id) => !out.accountsDeleted.includes(id));
  await afterLinkChange(env, ctx.tenantId, live, refs);
  // The winners as they are now (a merge may have given them the loser's fields): their evidence
  // refreshed and linked by the usual rule; a winner already linked only has its evidence refreshed.
  if (winners.size > 0) for (const id of (await linkCrmCompanies(env, ctx, system, [...winners])).accountsTouched) touched.add(id);
  out.accountsTouched = [...touched];
  ctx.log.info('identity_link.removed', { system, unlinked: out.unlinked.length, stillThere: out.stillThere.length, accountsDeleted: out.accountsDeleted.length });
  return out;
}

/** The link writes for one removed record (audited); notes the accounts touched. */
async function removalWrites(db: D1Database, ctx: ServiceContext, system: System, r: RemovedRecord, touched: Set<string>, out: RemovalResult): Promise<D1PreparedStatement[]> {
  const audit = (action: string, accountId: string, after: unknown, before?: unknown) =>
    auditStatement(db, { tenantId: ctx.tenantId, actor: ACTOR, action, entityType: 'account', entityId: accountId, after, before, correlationId: ctx.correlationId });
  const own = await accountOf(db, ctx.tenantId, system, r.externalId);
  if (!own) return [];
  const link = own.links.find((l) => l.system === system && l.externalId === r.externalId)!;
  const rest = own.links.filter((l) => l !== link);
  const reason = r.mergedInto ? 'merged' : 'deleted';
  const unlinked = { system, externalId: r.externalId, reason, ...(r.mergedInto ? { mergedInto: r.mergedInto } : {}) };
  const writes: D1PreparedStatement[] = [deleteLink(db, ctx.tenantId, own.id, system, r.externalId)];
  out.unlinked.push(r.externalId);
  touched.add(own.id);

  if (r.mergedInto) {
    const winner = await accountOf(db, ctx.tenantId, system, r.mergedInto);
    if (!winner) {
      // The winner was not linked: it takes the loser's place in the account.
      writes.push(insertLink(db, ctx.tenantId, own.id, { system, externalId: r.mergedInto, rule: 'crm_merge', isPrimary: link.isPrimary }));
      writes.push(audit('identity.unlink', own.id, { ...unlinked, replacedBy: r.mergedInto }, { links: own.links }));
      return writes;
    }
    if (winner.id === own.id) {
      const w = own.links.find((l) => l.system === system && l.externalId === r.mergedInto)!;
      if (link.isPrimary && !w.isPrimary) writes.push(setPrimary(db, ctx.tenantId, own.id, w));
      writes.push(audit('identity.unlink', own.id, unlinked, { links: own.links }));
      return writes;
    }
    // The winner has an account of its own: the loser's account folds into it, unless an ERP or
    // CS system would then have two records in one account (a person decides that: split / link).
    const clash = rest.find((l) => !isCrm(l.system) && winner.links.some((o) => o.system === l.system && o.externalId !== l.externalId));
    touched.add(winner.id);
    if (!clash) {
      writes.push(moveLinks(db, ctx.tenantId, own.id, winner.id), deleteEmptyAccount(db, ctx.tenantId, own.id));
      writes.push(audit('identity.unlink', winner.id, unlinked, { links: own.links }));
      writes.push(audit('identity.merge', winner.id, { mergedFrom: own.id, links: rest, reason: 'crm_merge', loser: r.externalId }));
      writes.push(audit('identity.merge', own.id, { mergedFrom: own.id, into: winner.id, reason: 'crm_merge', loser: r.externalId }));
      out.accountsDeleted.push(own.id);
      return writes;
    }
    writes.push(audit('identity.unlink', own.id, { ...unlinked, keptApartFrom: winner.id, conflict: `${clash.system} ${clash.externalId}` }, { links: own.links }));
  } else {
    writes.push(audit('identity.unlink', own.id, unlinked, { links: own.links }));
  }
  // A folded duplicate of the same CRM takes over as its primary record.
  const heir = link.isPrimary ? rest.find((l) => l.system === system && !l.isPrimary) : undefined;
  if (heir) writes.push(setPrimary(db, ctx.tenantId, own.id, heir));
  if (rest.length === 0) {
    // Nothing left to show: the account goes, audited (never silently).
    writes.push(deleteEmptyAccount(db, ctx.tenantId, own.id), audit('account.delete', own.id, { reason: `last record ${reason}`, record: { system, externalId: r.externalId } }));
    out.accountsDeleted.push(own.id);
  }
  return writes;
}

async function accountOf(db: D1Database, tenantId: string, system: System, externalId: string): Promise<{ id: string; links: LinkRow[] } | null> {
  const row = await db.prepare(`SELECT canonical_id AS id FROM identity_links WHERE tenant_id = ? AND entity = 'account' AND system = ? AND external_id = ?`).bind(tenantId, system, externalId).first<{ id: string }>();
  return row ? getAccount(db, tenantId, row.id) : null;
}

function setPrimary(db: D1Database, tenantId: string, accountId: string, l: { system: System; externalId: string }): D1PreparedStatement {
  return db.prepare(`UPDATE identity_links SET is_primary = 1 WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ? AND system = ? AND external_id = ?`).bind(tenantId, accountId, l.system, l.externalId);
}
