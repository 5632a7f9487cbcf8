/**
 * Splitting a wrong link: a record leaves the account it was wrongly linked to. A CRM company
 * becomes an account of its own (every CRM company has one); an ERP or CS record is unlinked.
 * The record is kept apart from every record left in the account, so the next sync does not
 * link them again; survivorship is recomputed and the cached account views are dropped.
 */
import { z } from 'zod';
import type { Env } from '../../env.js';
import { fail } from '../../errors.js';
import { IdSchema, SystemNameSchema } from '../../model/primitives.js';
import { recordKey } from '../../policies/identity/index.js';
import { auditStatement } from '../../storage/audit.js';
import { deleteLink, getAccount, insertAccount, insertLink, newAccountId } from '../../storage/identity.js';
import { keepApart, keptApartFrom, recordFields, type KeptApartRow } from '../../storage/identity-records.js';
import { afterLinkChange, isCrm, placements } from './accounts.js';
import type { DecisionContext } from './reviews.js';

/** Body of a split: the account and the record that must leave it. */
export const SplitSchema = z.strictObject({
  accountId: IdSchema,
  system: SystemNameSchema,
  externalId: IdSchema,
});
/** Body of a split. */
export type SplitRequest = z.infer<typeof SplitSchema>;

/** What a split did. */
export interface SplitResult {
  status: 'split' | 'already_split';
  accountId: string;
  removed: { system: SplitRequest['system']; externalId: string };
  /** The account the removed CRM record now has (null for an ERP or CS record, which is left unlinked). */
  newAccountId: string | null;
  /** Records of the account the removed one is now kept apart from. */
  keptApartFrom: number;
}

export async function splitLink(env: Env, ctx: DecisionContext, req: SplitRequest): Promise<SplitResult> {
  const db = env.DB;
  const account = (await getAccount(db, ctx.tenantId, req.accountId)) ?? fail({ kind: 'not_found', entity: 'account', id: req.accountId });
  const removed = { system: req.system, externalId: req.externalId };
  const self = recordKey(req.system, req.externalId);
  const link = account.links.find((l) => recordKey(l.system, l.externalId) === self);
  const rest = account.links.filter((l) => l !== link);
  if (!link) {
    // Split before? The record is then kept apart from the account's records: answer as then.
    const kept = (await keptApartFrom(db, ctx.tenantId, req.system, req.externalId).all<KeptApartRow>()).results.filter((k) => k.accountId === req.accountId);
    if (kept.length > 0) {
      const [now] = await placements(db, ctx.tenantId, [removed]);
      return { status: 'already_split', accountId: req.accountId, removed, newAccountId: now!.accountId, keptApartFrom: kept.length };
    }
    fail({ kind: 'not_found', entity: 'link', id: `${req.system}:${req.externalId}`, code: 'link_not_found' });
  }
  if (rest.length === 0) fail({ kind: 'conflict', code: 'nothing_to_split', message: `Account ${req.accountId} has no other record to split ${req.system} ${req.externalId} from.` });

  const at = new Date().toISOString();
  const writes: D1PreparedStatement[] = [deleteLink(db, ctx.tenantId, req.accountId, req.system, req.externalId)];
  // A folded duplicate takes over as the primary record of its system when the primary leaves.
  const heir = link.isPrimary ? rest.find((l) => l.system === req.system && !l.isPrimary) : undefined;
  if (heir) {
    writes.push(
      db
        .prepare(`UPDATE identity_links SET is_primary = 1 WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ? AND system = ? AND external_id = ?`)
        .bind(ctx.tenantId, req.accountId, heir.system, heir.externalId),
    );
  }
  let newAccount: string | null = null;
  if (isCrm(req.system)) {
    newAccount = newAccountId();
    const name = (await recordFields(db, ctx.tenantId, req.system, req.externalId))?.name ?? `${req.system} ${req.externalId}`;
    writes.push(insertAccount(db, ctx.tenantId, newAccount, name), insertLink(db, ctx.tenantId, newAccount, { ...removed, rule: 'split', isPrimary: true }));
  }
  for (const other of rest) writes.push(...keepApart(db, ctx.tenantId, removed, { system: other.system, externalId: other.externalId }, ctx.actor, at));
  writes.push(
    auditStatement(db, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'identity.split',
      entityType: 'account',
      entityId: req.accountId,
      before: { links: account.links },
      after: { removed, newAccountId: newAccount, keptApartFrom: rest.map((l) => `${l.system}:${l.externalId}`) },
      correlationId: ctx.correlationId,
    }),
  );
  await db.batch(writes);
  await afterLinkChange(env, ctx.tenantId, [req.accountId, newAccount], account.links);
  return { status: 'split', accountId: req.accountId, removed, newAccountId: newAccount, keptApartFrom: rest.length };
}
