/**
 * CRM record -> canonical account. Cards run on companies and deals (HubSpot) or Accounts and
 * Opportunities (Salesforce); the AccountView belongs to the canonical account the company/Account
 * is linked to in the identity map. A deal or Opportunity resolves through its company/Account
 * (HubSpot v4 associations, primary company first; Salesforce `Opportunity.AccountId`).
 *
 * Everything is scoped to the tenant of the verified caller: the identity map is read for that
 * tenant only, and vendor lookups use that tenant's own connection.
 */
import { z } from 'zod';
import type { HubSpotCardObject } from '../connectors/hubspot/map.js';
import type { Env } from '../env.js';
import { linkedAccountFor, type LinkedAccount } from '../storage/identity.js';
import { TtlMemo } from '../storage/memo.js';
import { portsFor } from '../ports/registry.js';
import type { ServiceContext } from './context.js';
import { to18 } from './salesforce-ids.js';

/** Card lookups only read; a user is waiting, so the CRM port gets the interactive budget. */
const CARD_READER = { flow: 'card.view', actor: 'concord' } as const;

export type CrmRecordRef =
  | { system: 'hubspot'; objectType: HubSpotCardObject; objectId: string }
  | { system: 'salesforce'; objectType: 'Account' | 'Opportunity'; recordId: string };

export interface ResolvedRecord {
  /** Canonical account id, or null when the record is not linked (yet). */
  accountId: string | null;
  /** The CRM company/Account the record stands for (a deal's company), null if it has none. */
  crmAccountId: string | null;
  /**
   * The ERP and CS record ids of the account, read with the link (same D1 read): a cold view
   * starts its upstream calls with them while its own account read is under way, and checks them.
   */
  sourceIds?: LinkedAccount['sourceIds'];
}

/** Deal -> companies and Opportunity -> Account change rarely; cache them to keep cards fast. */
const PARENT_TTL_SECONDS = 300;
const ParentsSchema = z.array(z.string()).max(500);
const parentKey = (tenantId: string, system: string, type: string, id: string) => `crmparent:v1:${tenantId}:${system}:${type}:${id}`;

async function cachedParents(env: Env, key: string, load: () => Promise<string[]>): Promise<string[]> {
  const hit = ParentsSchema.safeParse(await env.KV.get(key, 'json'));
  if (hit.success) return hit.data;
  const parents = await load();
  // Only positive answers are cached: a deal just associated with a company must show at once.
  if (parents.length > 0) await env.KV.put(key, JSON.stringify(parents), { expirationTtl: PARENT_TTL_SECONDS });
  return parents;
}

/**
 * Card records resolved in this isolate (CRM record -> account and the company/Account it stands
 * for), kept as long as a deal's companies are (PARENT_TTL_SECONDS). A remembered answer is only
 * used together with the account's cached view, and only while that view still lists the
 * company/Account among its records (card-view.ts): a link split or moved drops the account's
 * view everywhere (identity `afterLinkChange`), so the next card read finds no view or a view
 * without the record, forgets the answer and reads the link again. The card's warm path thus
 * makes one storage round trip (the view's KV read), or none from this isolate's copy.
 */
const remembered = new TtlMemo<{ accountId: string; crmAccountId: string }>(PARENT_TTL_SECONDS * 1000, 2_000);
const recordKey = (tenantId: string, ref: CrmRecordRef) =>
  ref.system === 'hubspot' ? `${tenantId}:hubspot:${ref.objectType}:${ref.objectId}` : `${tenantId}:salesforce:${ref.objectType}:${to18(ref.recordId)}`;

/** What this isolate resolved the record to before, if it still remembers (see `remembered`). */
export function rememberedRecord(tenantId: string, ref: CrmRecordRef): { accountId: string; crmAccountId: string } | undefined {
  return remembered.peek(recordKey(tenantId, ref));
}

/** Forget a remembered answer the account's view contradicted. */
export function forgetRecord(tenantId: string, ref: CrmRecordRef): void {
  remembered.delete(recordKey(tenantId, ref));
}

/**
 * Resolve a CRM record to its canonical account (never another tenant's). `fresh`: a remembered
 * answer was just contradicted, so the link is read from D1, not from this isolate's memo.
 */
export async function resolveCrmRecord(env: Env, ctx: ServiceContext, ref: CrmRecordRef, opts: { fresh?: boolean } = {}): Promise<ResolvedRecord> {
  const resolved = await resolve(env, ctx, ref, opts);
  if (resolved.accountId && resolved.crmAccountId) remembered.set(recordKey(ctx.tenantId, ref), { accountId: resolved.accountId, crmAccountId: resolved.crmAccountId });
  return resolved;
}

async function resolve(env: Env, ctx: ServiceContext, ref: CrmRecordRef, opts: { fresh?: boolean }): Promise<ResolvedRecord> {
  if (ref.system === 'hubspot') {
    if (ref.objectType === 'companies') return found(await linkedAccountFor(env.DB, ctx.tenantId, 'hubspot', ref.objectId, opts), ref.objectId);
    const companies = await cachedParents(env, parentKey(ctx.tenantId, 'hubspot', 'deals', ref.objectId), async () =>
      (await portsFor(env, ctx, CARD_READER).crm('hubspot', { interactive: true })).companiesOfDeal!(ref.objectId),
    );
    // Primary company first; if it is not linked, a secondary company that is still gives a view.
    for (const companyId of companies) {
      const account = await linkedAccountFor(env.DB, ctx.tenantId, 'hubspot', companyId, opts);
      if (account) return found(account, companyId);
    }
    return { accountId: null, crmAccountId: companies[0] ?? null };
  }

  const recordId = to18(ref.recordId);
  let sfAccountId: string | null = recordId;
  if (ref.objectType === 'Opportunity') {
    const parents = await cachedParents(env, parentKey(ctx.tenantId, 'salesforce', 'Opportunity', recordId), async () => {
      const accounts = await (await portsFor(env, ctx, CARD_READER).crm('salesforce', { interactive: true })).companiesOfDeal!(recordId);
      return accounts.map(to18);
    });
    sfAccountId = parents[0] ?? null;
  }
  if (!sfAccountId) return { accountId: null, crmAccountId: null };
  return found(await linkedAccountFor(env.DB, ctx.tenantId, 'salesforce', sfAccountId, opts), sfAccountId);
}

function found(account: LinkedAccount | null, crmAccountId: string): ResolvedRecord {
  return account ? { accountId: account.id, crmAccountId, sourceIds: account.sourceIds } : { accountId: null, crmAccountId };
}
