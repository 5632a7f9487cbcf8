/**
 * Why a CRM record has no account yet, in a sentence the card shows instead of a dead end: a
 * possible match waiting in the review queue, no record close enough to link safely, or a record
 * Concord has not seen yet. A record not seen yet is resolved right away (the caller runs
 * `linkCrmCompanies` in the background), so the card's Retry finds it linked a moment later.
 */
import type { System } from '../../storage/connections.js';
import { recordFields } from '../../storage/identity-records.js';
import { recordLabel } from './resolve.js';

export interface WhyUnlinked {
  /** The sentence for the card. */
  detail: string;
  /** Concord had no record of it: resolve it now. */
  unseen: boolean;
}

export async function whyNotLinked(db: D1Database, tenantId: string, system: System, externalId: string): Promise<WhyUnlinked> {
  const open = await db
    .prepare(
      `SELECT subject_system AS ss, subject_id AS si, candidate_system AS cs, candidate_id AS ci, score, candidate_json AS cj, subject_json AS sj FROM review_cases
       WHERE tenant_id = ?1 AND status = 'open' AND ((subject_system = ?2 AND subject_id = ?3) OR (candidate_system = ?2 AND candidate_id = ?3))
       ORDER BY score DESC LIMIT 1`,
    )
    .bind(tenantId, system, externalId)
    .first<{ ss: System; si: string; cs: System; ci: string; score: number; cj: string; sj: string }>();
  if (open) {
    const mine = open.ss === system && open.si === externalId;
    const other = mine ? { system: open.cs, externalId: open.ci, json: open.cj } : { system: open.ss, externalId: open.si, json: open.sj };
    const name = (JSON.parse(other.json) as { name?: string }).name;
    return {
      unseen: false,
      detail: `A possible match, ${recordLabel(other)}${name ? ` "${name}"` : ''} (score ${open.score.toFixed(2)}), is waiting for a decision in the Concord console (Review); it is linked once an admin approves it.`,
    };
  }
  if (await recordFields(db, tenantId, system, externalId)) {
    return {
      unseen: false,
      detail: 'No ERP customer or CS account is close enough to this company to link it safely (Concord compares tax id, domain, name and place). An admin can link it in the Concord console, or it links itself once its details match.',
    };
  }
  return { unseen: true, detail: 'Concord had not seen this company yet and is looking for a match now. Use Retry in a few seconds.' };
}
