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
import { accountIdFor } from '../storage/identity.js';
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

/** Resolve a CRM record to its canonical account (never another tenant's). */
export async function resolveCrmRecord(env: Env, ctx: ServiceContext, ref: CrmRecordRef): Promise<ResolvedRecord> {
  if (ref.system === 'hubspot') {
    if (ref.objectType === 'companies') {
      return { accountId: await accountIdFor(env.DB, ctx.tenantId, 'hubspot', ref.objectId), crmAccountId: ref.objectId };
    }
    const companies = await cachedParents(env, parentKey(ctx.tenantId, 'hubspot', 'deals', ref.objectId), async () =>
      (await portsFor(env, ctx, CARD_READER).crm('hubspot', { interactive: true })).companiesOfDeal!(ref.objectId),
    );
    // Primary company first; if it is not linked, a secondary company that is still gives a view.
    for (const companyId of companies) {
      const accountId = await accountIdFor(env.DB, ctx.tenantId, 'hubspot', companyId);
      if (accountId) return { accountId, crmAccountId: companyId };
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
  return { accountId: await accountIdFor(env.DB, ctx.tenantId, 'salesforce', sfAccountId), crmAccountId: sfAccountId };
}
