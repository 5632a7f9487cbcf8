/**
 * Closed-won's customer resolution: the ERP customer a deal's company is sold to, never a
 * duplicate. In order: the company's existing link in the identity map; else the identity rule
 * every other path uses (a confident match links, an ambiguous one is a business exception for a
 * person to review, never a guess) over what identity sync stored and what the ERP answers now for
 * this company's keys; else a new ERP customer created by Concord's key for the
 * company (`PUT customer/eid:<key>`, so a retry finds the same customer). A parent company is
 * resolved the same way first, so the hierarchy exists before its child.
 */
import type { Env } from '../../env.js';
import type { CrmOrderCompany, CrmOrderSource } from '../../ports/index.js';
import type { Ports } from '../../ports/registry.js';
import type { ValidatedOrder } from '../../policies/orders/index.js';
import { distinctiveNameTokens, externalIdHintFor, profileOf, type IdentityFields } from '../../policies/identity/index.js';
import { keysOf, raiseReviews, resolveCandidate, storedRecord } from '../../services/identity/index.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import { insertAccountUnlessLinked, insertLink, linksOf, newAccountId } from '../../storage/identity.js';
import { upsertRecords } from '../../storage/identity-records.js';
import type { ClosedWonSettings } from './settings.js';
import { customerKeyFor, type ClosedWonParams } from './params.js';

type ErpPortOf = Awaited<ReturnType<Ports['erp']>>;

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

/** The company as identity evidence: what the CRM says, with the order's billing place. */
function companyFields(company: CrmOrderCompany, country: string): IdentityFields {
  const a = company.billingAddress;
  return { name: company.name, domain: company.domain, taxId: company.taxId, country, city: a?.city ?? null, address: a?.line1 ?? null, emails: [] };
}

/**
 * Asks the ERP now for customers that may be this company and stores them as identity evidence,
 * so the scorer also sees a customer created in the ERP since the last identity sync (else the
 * flow would create a duplicate of it). Idempotent: the records are upserted by their ERP id.
 */
async function refreshCandidates(env: Env, p: ClosedWonParams, erp: ErpPortOf, fields: IdentityFields, ref: { system: System; externalId: string }): Promise<void> {
  if (!erp.findCustomers) return;
  const profile = profileOf(fields);
  const live = await erp.findCustomers({
    hints: [customerKeyFor(p.source, ref.externalId), externalIdHintFor(ref), ref.externalId],
    taxNumber: profile.taxId?.number ?? null,
    domainLabel: profile.domain?.label ?? null,
    name: profile.name?.core ?? null,
    nameTokens: distinctiveNameTokens(profile),
  });
  if (live.length === 0) return;
  await env.DB.batch(upsertRecords(env.DB, p.tenantId, erp.system, live.map((r) => storedRecord(erp.system, r)), new Date().toISOString()));
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


  // The one identity rule (policies/identity, services/identity): which ERP customer is this company?
  const fields = companyFields(company, order.country);
  const ref = { system: crm, externalId: company.externalId };
  await refreshCandidates(env, p, erp, fields, ref);
  const resolution = await resolveCandidate(env.DB, p.tenantId, fields, { systems: [erp.system], ref });
  if (resolution.decision === 'review') {
    // A person decides in the console's review queue; the run waits, never guesses.
    await env.DB.batch(raiseReviews(env.DB, p.tenantId, { ...ref, fields, accountId: have.accountId }, resolution, { actor: 'flow:closed-won', correlationId: p.correlationId }));
    return {
      ok: false,
      issue: {
        field: 'company',
        code: 'possible_duplicate',
        message: `${company.name} could be any of ${resolution.matches.length} ERP customers (${resolution.matches.map((m) => `${m.record.fields.name}: score ${m.score.toFixed(2)}`).join('; ')}); Concord will not guess.`,
        fixIn: 'concord',
        action: 'Decide the case in the Concord console (Review), then retry.',
        candidates: resolution.matches.map((m) => ({ externalId: m.record.externalId, name: m.record.fields.name })),
      },
    };
  }
  const match = resolution.decision === 'match' ? resolution.matches[0]! : null;
  const writes: D1PreparedStatement[] = [];
  // A matched ERP customer that already belongs to an account brings the company into that account.
  const matchedAccount = match?.accountId ?? null;
  let accountId = have.accountId ?? matchedAccount;
  if (!accountId) {
    accountId = newAccountId();
    writes.push(insertAccountUnlessLinked(env.DB, p.tenantId, accountId, company.name, { system: crm, externalId: company.externalId }), audit('account.create', accountId, { name: company.name, by: 'closed-won' }));
  }
  if (!have.accountId) writes.push(insertLink(env.DB, p.tenantId, accountId, { system: crm, externalId: company.externalId, rule: matchedAccount ? 'crm_match' : 'source', isPrimary: !matchedAccount }));
  let customerId: string;
  let how: 'matched' | 'created';
  if (match) {
    customerId = match.record.externalId;
    how = 'matched';
    const reasons = match.reasons.map((r) => r.text);
    if (!matchedAccount) {
      writes.push(insertLink(env.DB, p.tenantId, accountId, { system: erp.system, externalId: customerId, rule: 'scored_match', isPrimary: true }));
    }
    writes.push(audit('identity.link', accountId, { system: erp.system, externalId: customerId, score: match.score, reasons, by: 'closed-won' }));
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
    // The new customer is identity evidence at once, so another CRM record of the same company finds it.
    const createdFields: IdentityFields = { ...fields, name: company.name };
    const self = { system: erp.system, externalId: customerId };
    writes.push(...upsertRecords(env.DB, p.tenantId, erp.system, [{ externalId: customerId, fields: createdFields, hint: ref, keys: keysOf(createdFields, self, ref) }], new Date().toISOString()));
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
