/** HubSpot raw objects -> canonical. The only file that knows HubSpot property names. */
import type { AccountFacts, CrmContact, CrmDeal, CrmOrderCompany, CrmOrderLine, CrmOrderSource, CrmOwner, DealFacts, MatchRecord } from '../../ports/index.js';

/** A CRM object as the client hands it over: id and raw property values. */
export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
}
/** Kept for callers that name companies specifically. */
export type HubSpotCompany = HubSpotObject;

/** The CRM object types Concord reads, as HubSpot's API names them. */
export type HubSpotObjectType = 'companies' | 'contacts' | 'deals' | 'line_items' | 'products';

/** A HubSpot user as the owners API gives it (only what Concord reads). */
export interface HubSpotOwner {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

export function matchRecordFromCompany(c: HubSpotObject): MatchRecord {
  const name = c.properties.name?.trim();
  const p = c.properties;
  return {
    externalId: c.id,
    name: name || `HubSpot company ${c.id}`,
    domain: p.domain ?? null,
    taxId: p.vat_number ?? null,
    country: p.country ?? null,
    city: p.city ?? null,
    address: p.address ?? null,
    emails: [],
    crmHint: null,
  };
}

const text = (v: string | null | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};

export function contactFromHubSpot(c: HubSpotObject): CrmContact {
  return {
    externalId: c.id,
    firstName: text(c.properties.firstname),
    lastName: text(c.properties.lastname),
    email: text(c.properties.email)?.toLowerCase() ?? null,
    title: text(c.properties.jobtitle),
  };
}

/** Closed and won stage ids of one pipeline. */
export interface PipelineOutcomes {
  closed: Set<string>;
  won: Set<string>;
}
/** Pipeline id -> its closed/won stages. */
export type StageOutcomes = Map<string, PipelineOutcomes>;

/** A pipeline as the pipelines API returns it (only what the won-stage rule reads). */
export interface HubSpotPipeline {
  id: string;
  stages: { id: string; archived?: boolean; metadata?: Record<string, string> }[];
}

/**
 * Won stages per pipeline: a stage is closed when `metadata.isClosed` is "true" and won when it
 * is also certain (`metadata.probability` 1.0). The default pipeline's won stage is `closedwon`;
 * custom pipelines use numeric ids, so nothing may be inferred from the id itself.
 * https://developers.hubspot.com/docs/api/crm/pipelines
 */
export function stageOutcomes(pipelines: HubSpotPipeline[]): StageOutcomes {
  const out: StageOutcomes = new Map();
  for (const p of pipelines) {
    const closed = new Set<string>();
    const won = new Set<string>();
    for (const s of p.stages) {
      if (s.archived) continue;
      if (String(s.metadata?.isClosed).toLowerCase() !== 'true') continue;
      closed.add(s.id);
      if (Number(s.metadata?.probability) === 1) won.add(s.id);
    }
    out.set(p.id, { closed, won });
  }
  return out;
}

/** Closed/won for a deal's stage; a deal without a pipeline is looked up in every pipeline. */
export function dealOutcome(outcomes: StageOutcomes, pipeline: string | null, stage: string | null): { closed: boolean; won: boolean } {
  if (!stage) return { closed: false, won: false };
  const candidates = pipeline ? [outcomes.get(pipeline)].filter((p): p is PipelineOutcomes => !!p) : [...outcomes.values()];
  return { closed: candidates.some((p) => p.closed.has(stage)), won: candidates.some((p) => p.won.has(stage)) };
}

export function dealFromHubSpot(d: HubSpotObject, outcomes: StageOutcomes): CrmDeal {
  const amount = text(d.properties.amount);
  const pipeline = text(d.properties.pipeline);
  const stage = text(d.properties.dealstage);
  const n = amount === null ? NaN : Number(amount);
  return {
    externalId: d.id,
    name: text(d.properties.dealname) ?? `HubSpot deal ${d.id}`,
    amount: Number.isFinite(n) ? n : null,
    currency: text(d.properties.deal_currency_code)?.toUpperCase() ?? null,
    pipeline,
    stage,
    closeDate: text(d.properties.closedate),
    ...dealOutcome(outcomes, pipeline, stage),
  };
}

/**
 * HubSpot-defined association type ids we use.
 * https://developers.hubspot.com/docs/api/crm/associations/v4#association-type-id-values
 */
export const ASSOCIATION_TYPE = {
  /** deal -> company, the deal's primary company. */
  dealToPrimaryCompany: 5,
  taskToCompany: 192,
  taskToDeal: 216,
  noteToCompany: 190,
  noteToDeal: 214,
} as const;

/** CRM object types the card runs on, as HubSpot's API names them. */
export type HubSpotCardObject = 'companies' | 'deals';

/** A follow-up task in canonical terms. */
export interface FollowUpTask {
  subject: string;
  /** YYYY-MM-DD */
  dueDate: string;
  body: string;
}

/**
 * Canonical follow-up task -> HubSpot task properties. `hs_timestamp` is the due date (HubSpot
 * reads it as an instant; noon UTC keeps the same calendar day in every portal time zone from
 * UTC-11 to UTC+11).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide
 */
export function taskProperties(task: FollowUpTask): Record<string, string> {
  return {
    hs_task_subject: task.subject,
    hs_task_body: task.body,
    hs_task_status: 'NOT_STARTED',
    hs_task_type: 'TODO',
    hs_timestamp: `${task.dueDate}T12:00:00.000Z`,
  };
}

/**
 * Canonical note -> HubSpot note properties; `hs_timestamp` places it on the record's timeline.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/notes/guide
 */
export function noteProperties(note: { body: string; at: string }): Record<string, string> {
  return { hs_note_body: note.body, hs_timestamp: note.at };
}

/** One `associations` entry of a create body. */
export interface AssociationInput {
  to: { id: string };
  types: { associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }[];
}

/** The associations of a new task or note: its company, and the deal when there is one. */
export function activityAssociations(kind: 'task' | 'note', on: { companyId: string | null; dealId?: string | null }): AssociationInput[] {
  const ids = kind === 'task' ? { company: ASSOCIATION_TYPE.taskToCompany, deal: ASSOCIATION_TYPE.taskToDeal } : { company: ASSOCIATION_TYPE.noteToCompany, deal: ASSOCIATION_TYPE.noteToDeal };
  const out: AssociationInput[] = [];
  const link = (id: string, typeId: number) => out.push({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] });
  if (on.companyId) link(on.companyId, ids.company);
  if (on.dealId) link(on.dealId, ids.deal);
  return out;
}

/** One associated record, as Concord reads a v4 association list: its id and association type ids. */
export interface HubSpotAssociation {
  toObjectId: string;
  typeIds: number[];
}

/**
 * A page of `GET /crm/v4/objects/{from}/{id}/associations/{to}` (`results[].toObjectId` is a
 * number, `associationTypes[].typeId` the HUBSPOT_DEFINED or USER_DEFINED type).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associations-v4/guide
 */
export function associationsFromPage(page: { results: { toObjectId: number | string; associationTypes?: { typeId: number }[] }[] }): HubSpotAssociation[] {
  return page.results.map((r) => ({ toObjectId: String(r.toObjectId), typeIds: (r.associationTypes ?? []).map((t) => t.typeId) }));
}

/** The deal's companies, primary first (a deal may have several; the card shows the primary's view). */
export function companiesOfDeal(associations: HubSpotAssociation[]): string[] {
  const primary = associations.filter((a) => a.typeIds.includes(ASSOCIATION_TYPE.dealToPrimaryCompany)).map((a) => a.toObjectId);
  const rest = associations.map((a) => a.toObjectId).filter((id) => !primary.includes(id));
  return [...new Set([...primary, ...rest])];
}

/** Concord's account facts -> the app's company properties (descriptor `ownProperties`). */
const ACCOUNT_FACT_PROPERTY: Readonly<Record<keyof AccountFacts, string>> = {
  concordAccountId: 'concord_account_id',
  erpCustomerId: 'concord_erp_customer_id',
  csAccountId: 'concord_cs_account_id',
  openAr: 'concord_open_ar',
  overdueAr: 'concord_overdue_ar',
  oldestOverdueDays: 'concord_oldest_overdue_days',
  disputedAr: 'concord_disputed_ar',
  lastPaymentDate: 'concord_last_payment_date',
  contractEnd: 'concord_contract_end',
  renewalDate: 'concord_renewal_date',
  arr: 'concord_arr',
  healthScore: 'concord_health_score',
  healthTrend: 'concord_health_trend',
  onboardingStage: 'concord_onboarding_stage',
  renewalRisk: 'concord_renewal_risk',
  financeHold: 'concord_finance_hold',
  renewalHold: 'concord_renewal_hold',
};

/** Concord's deal facts -> the app's deal properties (descriptor `ownDealProperties`). */
const DEAL_FACT_PROPERTY: Readonly<Record<keyof DealFacts, string>> = {
  orderStatus: 'concord_order_status',
  orderNumber: 'concord_order_number',
  erpCustomerId: 'concord_erp_customer_id',
  csAccountId: 'concord_cs_account_id',
  orderCreatedAt: 'concord_order_created_at',
  orderIssue: 'concord_order_issue',
};

/**
 * HubSpot property values are strings on the wire: numbers and booleans as text, dates as
 * YYYY-MM-DD, and an empty string clears a property.
 * https://developers.hubspot.com/docs/api/crm/properties#property-type-and-fieldtype-values
 */
function propertyValue(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

function toProperties<F extends object>(facts: F, names: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [fact, value] of Object.entries(facts) as [string, string | number | boolean | null | undefined][]) {
    const property = names[fact];
    if (property && value !== undefined) out[property] = propertyValue(value);
  }
  return out;
}

export const accountFactProperties = (facts: AccountFacts): Record<string, string> => toProperties(facts, ACCOUNT_FACT_PROPERTY);
export const dealFactProperties = (facts: DealFacts): Record<string, string> => toProperties(facts, DEAL_FACT_PROPERTY);

/** The company properties that hold Concord's account facts (read back by reconciliation). */
export const ACCOUNT_FACT_PROPERTIES: readonly string[] = Object.values(ACCOUNT_FACT_PROPERTY);

const NUMBER_FACTS = new Set<keyof AccountFacts>(['openAr', 'overdueAr', 'oldestOverdueDays', 'disputedAr', 'arr', 'healthScore']);
const DATE_FACTS = new Set<keyof AccountFacts>(['lastPaymentDate', 'contractEnd', 'renewalDate']);

/**
 * A company's Concord properties -> facts, the inverse of `accountFactProperties`: an empty value
 * is null (Concord clears with ''), numbers and booleans are parsed from their text, a date
 * property is YYYY-MM-DD (HubSpot may answer midnight UTC as an instant or epoch milliseconds).
 * A property the portal does not have (not in the answer) is left out: it cannot be compared.
 * A value of the wrong kind (text in a number property) is kept as text, so it shows as drift.
 * https://developers.hubspot.com/docs/api/crm/properties#property-type-and-fieldtype-values
 */
export function accountFactsFromProperties(properties: Record<string, string | null>): Partial<AccountFacts> {
  const out: Record<string, unknown> = {};
  for (const [fact, property] of Object.entries(ACCOUNT_FACT_PROPERTY) as [keyof AccountFacts, string][]) {
    if (!(property in properties)) continue;
    const raw = properties[property]?.trim() ?? '';
    if (raw === '') out[fact] = null;
    else if (NUMBER_FACTS.has(fact)) out[fact] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (DATE_FACTS.has(fact)) out[fact] = /^\d{4}-\d{2}-\d{2}/.test(raw) ? raw.slice(0, 10) : /^\d{10,}$/.test(raw) ? new Date(Number(raw)).toISOString().slice(0, 10) : raw;
    else if (fact === 'financeHold' || fact === 'renewalHold') out[fact] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else out[fact] = raw;
  }
  return out as Partial<AccountFacts>;
}

/** Deal properties closed-won reads (with the app's contract and payment-terms properties). */
export const ORDER_DEAL_PROPERTIES = ['dealname', 'amount', 'deal_currency_code', 'dealstage', 'pipeline', 'closedate', 'hubspot_owner_id', 'concord_contract_start', 'concord_contract_end', 'concord_payment_terms'];
/**
 * Company properties an ERP customer needs: address, the app's tax id, and the parent company
 * (`hs_parent_company_id`, set by HubSpot from the parent/child company association).
 * https://knowledge.hubspot.com/companies/use-parent-child-company-associations
 */
export const ORDER_COMPANY_PROPERTIES = ['name', 'domain', 'address', 'address2', 'city', 'zip', 'state', 'country', 'concord_tax_id', 'hs_parent_company_id'];
/** Line item properties: the product and its SKU, quantity and unit price in the deal currency. */
export const LINE_ITEM_PROPERTIES = ['name', 'hs_product_id', 'hs_sku', 'quantity', 'price', 'hs_position_on_quote'];
export const PRODUCT_PROPERTIES = ['name', 'hs_sku'];

/**
 * A date property as YYYY-MM-DD: HubSpot date properties read back as a date or a midnight-UTC
 * instant (ISO or epoch milliseconds, depending on the API version).
 * https://developers.hubspot.com/docs/api/crm/properties#date-and-date-time-formats
 */
export function hubspotDate(value: string | null | undefined): string | null {
  const t = text(value);
  if (!t) return null;
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) return t.slice(0, 10);
  if (/^\d{10,14}$/.test(t)) return new Date(Number(t)).toISOString().slice(0, 10);
  return null;
}

export function ownerFromHubSpot(o: HubSpotOwner): CrmOwner {
  const name = [o.firstName, o.lastName].map(text).filter(Boolean).join(' ');
  return { externalId: o.id, email: text(o.email)?.toLowerCase() ?? null, name: name || null };
}

export function orderCompanyFromHubSpot(c: HubSpotObject): CrmOrderCompany {
  const p = c.properties;
  const line1 = [text(p.address), text(p.address2)].filter(Boolean).join(', ');
  const address = { line1: line1 || null, city: text(p.city), postalCode: text(p.zip), region: text(p.state), country: text(p.country) };
  return {
    externalId: c.id,
    name: text(p.name) ?? '',
    domain: text(p.domain),
    taxId: text(p.concord_tax_id),
    billingAddress: Object.values(address).some((v) => v !== null) ? address : null,
    parentId: text(p.hs_parent_company_id),
  };
}

/** A line item with its SKU: its own `hs_sku`, else its product's (`products` by id). */
export function orderLineFromHubSpot(l: HubSpotObject, products: ReadonlyMap<string, HubSpotObject>): CrmOrderLine {
  const p = l.properties;
  const product = text(p.hs_product_id) ? products.get(p.hs_product_id!) : undefined;
  const num = (v: string | null | undefined) => {
    const n = text(v) === null ? NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  };
  return {
    externalId: l.id,
    sku: text(p.hs_sku) ?? text(product?.properties.hs_sku),
    name: text(p.name) ?? text(product?.properties.name),
    quantity: num(p.quantity) ?? 0,
    unitPrice: num(p.price),
  };
}

/** Line items in quote order (`hs_position_on_quote`), then by id. */
export function byQuotePosition(a: HubSpotObject, b: HubSpotObject): number {
  const pos = (o: HubSpotObject) => Number(o.properties.hs_position_on_quote ?? Number.MAX_SAFE_INTEGER);
  return pos(a) - pos(b) || Number(a.id) - Number(b.id);
}

/** One deal's order source from its raw parts (company and lines already picked for it). */
export function orderSourceFromHubSpot(deal: HubSpotObject, outcomes: StageOutcomes, company: HubSpotObject | null, owner: HubSpotOwner | null, lines: HubSpotObject[], products: ReadonlyMap<string, HubSpotObject>): CrmOrderSource {
  return {
    deal: {
      ...dealFromHubSpot(deal, outcomes),
      contractStart: hubspotDate(deal.properties.concord_contract_start),
      contractEnd: hubspotDate(deal.properties.concord_contract_end),
      paymentTerms: text(deal.properties.concord_payment_terms),
    },
    company: company ? orderCompanyFromHubSpot(company) : null,
    owner: owner ? ownerFromHubSpot(owner) : null,
    lines: [...lines].sort(byQuotePosition).map((l) => orderLineFromHubSpot(l, products)),
  };
}
