/**
 * Closed-won's customer resolution: the ERP customer a deal's company is sold to, never a
 * duplicate. In order: the company's existing link in the identity map; else the identity rule
 * every other path uses (a confident match links, an ambiguous one is a business exception for a
 * person to review, never a guess); else a new ERP customer created by Concord's key for the
 * company (`PUT customer/eid:<key>`, so a retry finds the same customer). A parent company is
 * resolved the same way first, so the hierarchy exists before its child.
 */
import type { Env } from '../../env.js';
import type { CrmOrderCompany, CrmOrderSource } from '../../ports/index.js';
import type { Ports } from '../../ports/registry.js';
import type { ValidatedOrder } from '../../policies/orders/index.js';
import { externalIdHintFor, matchIdentity, matchKeys } from '../../policies/identity/index.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import { findCandidates, insertAccountUnlessLinked, insertLink, linksOf, newAccountId, upsertCandidate, type CandidateRow } from '../../storage/identity.js';
import type { ClosedWonSettings } from './settings.js';
import { customerKeyFor, type ClosedWonParams, type CrmSource } from './params.js';

export type CustomerResolution =
  | { ok: true; customerId: string; accountId: string; how: 'linked' | 'matched' | 'created' }
  | { ok: false; issue: { field: string; code: 'possible_duplicate'; message: string; fixIn: 'concord'; action: string; candidates: { externalId: string; name: string }[] } };

interface Linked {
  accountId: string | null;
  erp: string | null;
}

async function linked(env: Env, tenantId: string, crm: System, companyId: string, erp: System): Promise<Linked> {
  const { results } = await linksOf(env.DB, tenantId, crm, companyId).all<{ accountId: string; system: System; externalId: string }>();
  return { accountId: results[0]?.accountId ?? null, erp: results.find((l) => l.system === erp)?.externalId ?? null };
}

/**
 * The one identity rule (policies/identity), over the ERP's candidates: the ones Concord has seen
 * (identity sync), refreshed first with the ERP's live answer for this company's keys, so a
 * customer created in the ERP since the last sync is found rather than created again.
 */
async function identityDecision(env: Env, tenantId: string, crm: System, company: CrmOrderCompany, erp: Awaited<ReturnType<Ports['erp']>>) {
  const keys = matchKeys({ name: company.name, domain: company.domain, taxId: company.taxId });
  const hints: [string, string] = [externalIdHintFor({ system: crm, externalId: company.externalId }), company.externalId];
  const live = (await erp.findCustomers?.({ name: keys.name, domain: keys.domain, taxId: company.taxId, hints: [...hints, customerKeyFor(crm as CrmSource, company.externalId)] })) ?? [];
  if (live.length > 0) {
    const seenAt = new Date().toISOString();
    await env.DB.batch(
      live.map((r) => {
        const k = matchKeys(r);
        return upsertCandidate(env.DB, tenantId, { system: erp.system, externalId: r.externalId, name: r.name, nameKey: k.name, domainKey: k.domain, taxKey: k.taxId, hint: r.crmHint }, seenAt);
      }),
    );
  }
  const { results } = await findCandidates(env.DB, tenantId, erp.system, { hints, nameKey: keys.name, domainKey: keys.domain, taxKey: keys.taxId }).all<CandidateRow>();
  const candidates = results.map((row) => ({ system: row.system, externalId: row.externalId, name: row.name, domain: row.domainKey, taxId: row.taxKey, externalIdHint: row.hint, row }));
  return matchIdentity({ system: crm, externalId: company.externalId, name: company.name, domain: company.domain, taxId: company.taxId }, candidates);
}

/**
 * Resolve (or create) the ERP customer of `company`. `writes` (links, audit) are returned for the
 * caller's D1 batch, so the link is recorded together with the step's other bookkeeping.
 */
export async function resolveCustomer(
  env: Env,
  ports: Ports,
  p: ClosedWonParams,
  company: CrmOrderCompany,
  order: Pick<ValidatedOrder, 'country' | 'currency' | 'termsId'>,
  settings: ClosedWonSettings,
  parentCustomerId: string | null,
): Promise<CustomerResolution> {
  const erp = await ports.erp();
  const crm: System = p.source;
  const have = await linked(env, p.tenantId, crm, company.externalId, erp.system);
  const audit = (action: string, accountId: string, after: unknown) =>
    auditStatement(env.DB, { tenantId: p.tenantId, actor: 'flow:closed-won', action, entityType: 'account', entityId: accountId, after, correlationId: p.correlationId });
  if (have.erp && have.accountId) return { ok: true, customerId: have.erp, accountId: have.accountId, how: 'linked' };

  const decision = await identityDecision(env, p.tenantId, crm, company, erp);
  if (decision.kind === 'ambiguous') {
    return {
      ok: false,
      issue: {
        field: 'company',
        code: 'possible_duplicate',
        message: `${company.name} could be any of ${decision.candidates.length} ERP customers (same ${decision.rule.replace('_', ' ')}); Concord will not guess.`,
        fixIn: 'concord',
        action: 'Link the company to the right ERP customer in the Concord console (identity review), then retry.',
        candidates: decision.candidates.map((c) => ({ externalId: c.externalId, name: c.name })),
      },
    };
  }
  const writes: D1PreparedStatement[] = [];
  // A matched ERP customer that already belongs to an account brings the company into that account.
  const matchedAccount = decision.kind === 'matched' ? decision.candidate.row.linkedTo : null;
  let accountId = have.accountId ?? matchedAccount;
  if (!accountId) {
    accountId = newAccountId();
    writes.push(insertAccountUnlessLinked(env.DB, p.tenantId, accountId, company.name, { system: crm, externalId: company.externalId }), audit('account.create', accountId, { name: company.name, by: 'closed-won' }));
  }
  if (!have.accountId) writes.push(insertLink(env.DB, p.tenantId, accountId, { system: crm, externalId: company.externalId, rule: matchedAccount ? 'crm_match' : 'source', isPrimary: !matchedAccount }));
  let customerId: string;
  let how: 'matched' | 'created';
  if (decision.kind === 'matched') {
    customerId = decision.candidate.externalId;
    how = 'matched';
    if (!matchedAccount) {
      writes.push(insertLink(env.DB, p.tenantId, accountId, { system: erp.system, externalId: customerId, rule: decision.rule, isPrimary: true }));
    }
    writes.push(audit('identity.link', accountId, { system: erp.system, externalId: customerId, rule: decision.rule, by: 'closed-won' }));
  } else {
    const a = company.billingAddress!;
    const created = await erp.upsertCustomer!({
      externalId: customerKeyFor(p.source, company.externalId),
      name: company.name,
      website: company.domain,
      taxId: company.taxId,
      currency: order.currency,
      billTo: { line1: a.line1!, city: a.city!, postalCode: a.postalCode, region: a.region, country: order.country },
      terms: order.termsId,
      subsidiary: settings.subsidiary,
      parentId: parentCustomerId,
    });
    customerId = created.id;
    how = 'created';
    writes.push(
      insertLink(env.DB, p.tenantId, accountId, { system: erp.system, externalId: customerId, rule: 'closed_won_create', isPrimary: true }),
      audit('erp.customer.create', accountId, { system: erp.system, customerId, externalId: created.externalId, company: company.externalId }),
    );
  }
  await env.DB.batch(writes);
  // Another run of the same company may have linked it a moment earlier: its links win.
  const now = await linked(env, p.tenantId, crm, company.externalId, erp.system);
  return { ok: true, customerId: now.erp ?? customerId, accountId: now.accountId ?? accountId, how };
}

/** The company's parent as an order company, when the CRM names one (looked up by id). */
export async function parentCompany(ports: Ports, p: ClosedWonParams, source: CrmOrderSource): Promise<CrmOrderCompany | null> {
  const parentId = source.company?.parentId;
  if (!parentId) return null;
  const crm = await ports.crm(p.source);
  const [parent] = await crm.companiesByIds!([parentId]);
  if (!parent) return null;
  // The parent is created with the child's billing address unless it is already in the ERP.
  return { externalId: parent.externalId, name: parent.name, domain: parent.domain, taxId: parent.taxId, billingAddress: source.company!.billingAddress, parentId: null };
}
