/** HubSpot as Concord's CRM port. */
import type {
  AccountFacts,
  AccountFactsUpdate,
  CompanyFieldsUpdate,
  CompanyPropertyUpdate,
  CompanyUpdateResult,
  CrmActivityTarget,
  CrmContact,
  CrmDeal,
  CrmOrderSource,
  CrmPort,
  CrmWriteResult,
  DealFacts,
  DealFactsUpdate,
  IdempotencyLedger,
  MatchRecord,
} from '../../ports/index.js';
import { z } from 'zod';
import { ConcordError, fail, zodIssues } from '../../errors.js';
import { InstantSchema, IsoDateSchema } from '../../model/primitives.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { TtlMemo } from '../../storage/memo.js';
import { HubSpotClient, type HubSpotClientOptions } from './client.js';
import { hubspotDescriptor as d } from './descriptor.js';
import {
  ACCOUNT_FACT_PROPERTIES,
  accountFactProperties,
  accountFactsFromProperties,
  activityAssociations,
  companiesOfDeal,
  contactFromHubSpot,
  dealFactProperties,
  dealFromHubSpot,
  dealOutcome,
  matchRecordFromCompany,
  noteProperties,
  ORDER_COMPANY_PROPERTIES,
  ORDER_DEAL_PROPERTIES,
  LINE_ITEM_PROPERTIES,
  PRODUCT_PROPERTIES,
  orderSourceFromHubSpot,
  stageOutcomes,
  type HubSpotObject,
  type HubSpotOwner,
  taskProperties,
  type StageOutcomes,
} from './map.js';

/** Owners change rarely: remembered per portal connection for 10 minutes per isolate. */
const owners = new TtlMemo<HubSpotOwner | null>(10 * 60_000);

/** HubSpot record ids are numeric strings. */
const RecordId = z.string().regex(/^\d{1,20}$/, 'a HubSpot record id (digits)');
/** Idempotency keys after Stripe's convention: up to 255 characters. */
const IdempotencyKey = z.string().min(1).max(255);
const TargetSchema = z
  .object({ companyId: RecordId.nullable(), dealId: RecordId.optional() })
  .strict()
  .refine((t) => t.companyId !== null || t.dealId !== undefined, { path: ['companyId'], message: 'a company, or a deal to file the activity on' });
const TaskSchema = z.object({ subject: z.string().trim().min(1).max(512), body: z.string().max(65_536), dueDate: IsoDateSchema, idempotencyKey: IdempotencyKey }).strict();
const NoteSchema = z.object({ body: z.string().trim().min(1).max(65_536), idempotencyKey: IdempotencyKey, at: InstantSchema.optional() }).strict();

/** Parse a write's input or refuse it (422, every bad field named), before anything is claimed or sent. */
function checked<T>(schema: z.ZodType<T>, value: unknown, at: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail({ kind: 'validation', issues: zodIssues(parsed.error.issues).map((i) => ({ ...i, path: i.path === '(root)' ? at : `${at}.${i.path}` })) });
  return parsed.data;
}

export interface HubSpotCrmOptions extends HubSpotClientOptions {
  /** Records idempotent writes (tasks, notes); without it those writes are refused. */
  ledger?: IdempotencyLedger;
}

export class HubSpotCrm implements CrmPort {
  readonly client: HubSpotClient;
  private readonly ledger: IdempotencyLedger | undefined;
  private readonly portal: string;
  /** Won/closed stages per pipeline, fetched once per connector instance (one request, one job). */
  private outcomes: Promise<StageOutcomes> | undefined;

  constructor(conn: Connection, ctx: CallContext, opts: HubSpotCrmOptions = {}) {
    const { ledger, ...clientOpts } = opts;
    this.client = new HubSpotClient(conn, ctx, clientOpts);
    this.ledger = ledger;
    this.portal = `${conn.tenantId}|${conn.externalAccount ?? conn.baseUrl}`;
  }

  async *companies(): AsyncIterable<MatchRecord[]> {
    let after: string | undefined;
    do {
      const page = await this.client.companiesPage(after);
      yield page.results.map(matchRecordFromCompany);
      after = page.after;
    } while (after);
  }

  /**
   * Batch updates by record id in batches of 100 (HubSpot's batch limit), `concurrency` in flight
   * so the limiter, not the round-trip time, sets the pace. A company named twice is updated once
   * with its changes merged in order (HubSpot refuses a batch naming a record twice). Per-input
   * failures (207) are reported, not thrown.
   */
  async updateCompanies(updates: CompanyPropertyUpdate[], opts: { concurrency?: number } = {}): Promise<CompanyUpdateResult> {
    const merged = new Map<string, CompanyPropertyUpdate>();
    for (const u of updates) merged.set(u.externalId, { externalId: u.externalId, properties: { ...merged.get(u.externalId)?.properties, ...u.properties } });
    const unique = [...merged.values()];
    const batches: CompanyPropertyUpdate[][] = [];
    for (let i = 0; i < unique.length; i += d.batchSize) batches.push(unique.slice(i, i + d.batchSize));
    const result: CompanyUpdateResult = { updated: 0, calls: 0, failed: [] };
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const res = await this.client.updateCompanies(batch.map((u) => ({ id: u.externalId, properties: u.properties })));
        result.calls += 1;
        result.updated += res.ok;
        for (const e of res.errors) result.failed.push(...e.ids.map((externalId) => ({ externalId, message: e.message })));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, batches.length)) }, worker));
    return result;
  }

  /** Concord's facts as the app's company properties, through the same batched path. */
  writeAccountFacts(updates: AccountFactsUpdate[], opts: { concurrency?: number } = {}): Promise<CompanyUpdateResult> {
    return this.updateCompanies(
      updates.map((u) => ({ externalId: u.recordId, properties: accountFactProperties(u.facts) })),
      opts,
    );
  }

  /**
   * Concord's facts as the companies hold them now (batch reads of the app's properties, 100 ids
   * per call under the limiter): what reconciliation compares with what Concord would write.
   * Companies HubSpot does not know are left out.
   */
  async accountFactsOf(recordIds: string[]): Promise<Map<string, Partial<AccountFacts>>> {
    const ids = recordIds.filter((id) => RecordId.safeParse(id).success);
    const companies = ids.length ? await this.client.batchRead('companies', ids, [...ACCOUNT_FACT_PROPERTIES]) : [];
    return new Map(companies.map((c) => [c.id, accountFactsFromProperties(c.properties)]));
  }

  /** Company name, domain and country (HubSpot's `name`, `domain`, `country`), batch-updated by id. */
  writeCompanyFields(updates: CompanyFieldsUpdate[]): Promise<CompanyUpdateResult> {
    return this.updateCompanies(
      updates.map((u) => ({ externalId: u.recordId, properties: Object.fromEntries(Object.entries(u.fields).filter(([, v]) => v !== undefined)) as Record<string, string> })),
      {},
    );
  }

  async writeDealFacts(dealId: string, facts: DealFacts): Promise<void> {
    const id = checked(RecordId, dealId, 'dealId');
    const properties = dealFactProperties(facts);
    if (Object.keys(properties).length > 0) await this.client.updateDeal(id, properties);
  }

  /** Deal write-backs in batches of 100 (a deal named twice is written once, changes merged in order). */
  async writeDealFactsMany(updates: DealFactsUpdate[]): Promise<CompanyUpdateResult> {
    updates.forEach((u, i) => checked(RecordId, u.recordId, `${i}.recordId`));
    const merged = new Map<string, Record<string, string>>();
    for (const u of updates) merged.set(u.recordId, { ...merged.get(u.recordId), ...dealFactProperties(u.facts) });
    const inputs = [...merged].filter(([, p]) => Object.keys(p).length > 0).map(([id, properties]) => ({ id, properties }));
    const result: CompanyUpdateResult = { updated: 0, calls: 0, failed: [] };
    for (let i = 0; i < inputs.length; i += d.batchSize) {
      const res = await this.client.updateDeals(inputs.slice(i, i + d.batchSize));
      result.calls += 1;
      result.updated += res.ok;
      for (const e of res.errors) result.failed.push(...e.ids.map((externalId) => ({ externalId, message: e.message })));
    }
    return result;
  }

  async orderSource(dealId: string): Promise<CrmOrderSource> {
    const id = checked(RecordId, dealId, 'dealId');
    const source = (await this.orderSources([id])).get(id);
    if (!source) throw new ConcordError({ kind: 'not_found', entity: 'deal', id });
    return source;
  }

  /**
   * Deals with their primary company, owner and line items, read in batches: the deals, their
   * company and line-item associations (v4 batch), the companies and line items, the products of
   * lines that carry only `hs_product_id`, and each distinct owner (remembered per portal). A few
   * calls per 100 deals, however many deals.
   */
  async orderSources(dealIds: string[]): Promise<Map<string, CrmOrderSource>> {
    const ids = [...new Set(dealIds)].filter((id) => RecordId.safeParse(id).success);
    const out = new Map<string, CrmOrderSource>();
    if (ids.length === 0) return out;
    const [deals, outcomes] = await Promise.all([this.client.batchRead('deals', ids, ORDER_DEAL_PROPERTIES), this.stageOutcomes()]);
    const found = deals.map((deal) => deal.id);
    const [companyLinks, lineLinks] = await Promise.all([this.client.batchAssociations('deals', 'companies', found), this.client.batchAssociations('deals', 'line_items', found)]);
    const companyOf = new Map(found.map((id) => [id, companiesOfDeal(companyLinks.get(id) ?? [])[0] ?? null]));
    const linesOf = new Map(found.map((id) => [id, (lineLinks.get(id) ?? []).map((a) => a.toObjectId)]));
    const [companies, lines] = await Promise.all([
      this.client.batchRead('companies', [...companyOf.values()].filter((c): c is string => c !== null), ORDER_COMPANY_PROPERTIES),
      this.client.batchRead('line_items', [...linesOf.values()].flat(), LINE_ITEM_PROPERTIES),
    ]);
    const productIds = lines.filter((l) => !l.properties.hs_sku && l.properties.hs_product_id).map((l) => l.properties.hs_product_id!);
    const products = new Map((productIds.length ? await this.client.batchRead('products', productIds, PRODUCT_PROPERTIES) : []).map((p) => [p.id, p]));
    const ownerIds = [...new Set(deals.map((deal) => deal.properties.hubspot_owner_id).filter((o): o is string => !!o && /^\d{1,20}$/.test(o)))];
    const ownerById = new Map(await Promise.all(ownerIds.map(async (o) => [o, await owners.get(`${this.portal}|${o}`, () => this.client.owner(o))] as const)));
    const companyById = new Map(companies.map((c) => [c.id, c]));
    const lineById = new Map(lines.map((l) => [l.id, l]));
    for (const deal of deals) {
      const company = companyById.get(companyOf.get(deal.id) ?? '') ?? null;
      const dealLines = (linesOf.get(deal.id) ?? []).map((l) => lineById.get(l)).filter((l): l is HubSpotObject => l !== undefined);
      out.set(deal.id, orderSourceFromHubSpot(deal, outcomes, company, ownerById.get(deal.properties.hubspot_owner_id ?? '') ?? null, dealLines, products));
    }
    return out;
  }

  /** The app's property group and properties (companies and deals), created when missing. */
  setUp(): Promise<{ created: string[] }> {
    return this.client.ensureOwnProperties();
  }

  async companiesOfDeal(dealId: string): Promise<string[]> {
    return companiesOfDeal(await this.client.associations('deals', checked(RecordId, dealId, 'dealId'), 'companies'));
  }

  async companiesByIds(ids: string[]): Promise<MatchRecord[]> {
    return (await this.client.batchRead('companies', ids, d.companyProperties)).map(matchRecordFromCompany);
  }

  async contactsByIds(ids: string[]): Promise<CrmContact[]> {
    return (await this.client.batchRead('contacts', ids, d.contactProperties)).map(contactFromHubSpot);
  }

  async dealsByIds(ids: string[]): Promise<CrmDeal[]> {
    const [deals, outcomes] = await Promise.all([this.client.batchRead('deals', ids, d.dealProperties), this.stageOutcomes()]);
    return deals.map((deal) => dealFromHubSpot(deal, outcomes));
  }

  async contactsOfCompany(companyId: string): Promise<CrmContact[]> {
    const ids = (await this.client.associations('companies', companyId, 'contacts')).map((a) => a.toObjectId);
    return ids.length ? this.contactsByIds(ids) : [];
  }

  async dealsOfCompany(companyId: string): Promise<CrmDeal[]> {
    const ids = (await this.client.associations('companies', companyId, 'deals')).map((a) => a.toObjectId);
    return ids.length ? this.dealsByIds(ids) : [];
  }

  /** Won stage ids per pipeline id, from the pipelines API (cached for this instance). */
  async wonStages(): Promise<Map<string, Set<string>>> {
    const outcomes = await this.stageOutcomes();
    return new Map([...outcomes].map(([pipeline, o]) => [pipeline, o.won]));
  }

  /** Whether a deal (pipeline + stage ids, as HubSpot stores them) sits in a won stage. */
  async isWon(deal: { pipeline: string | null; stage: string | null }): Promise<boolean> {
    return dealOutcome(await this.stageOutcomes(), deal.pipeline, deal.stage).won;
  }

  private stageOutcomes(): Promise<StageOutcomes> {
    if (!this.outcomes) {
      this.outcomes = this.client.dealPipelines().then(stageOutcomes);
      // A failed lookup is not cached: the next caller asks again.
      this.outcomes.catch(() => (this.outcomes = undefined));
    }
    return this.outcomes;
  }

  async createTask(target: CrmActivityTarget, input: { subject: string; body: string; dueDate: string; idempotencyKey: string }): Promise<CrmWriteResult> {
    const on = checked(TargetSchema, target, 'on');
    const task = checked(TaskSchema, input, 'task');
    const ledger = this.requireLedger();
    const request = { on, subject: task.subject, body: task.body, dueDate: task.dueDate };
    return ledger.once('hubspot.task.create', task.idempotencyKey, request, async () => {
      const created = await this.client.createTask(taskProperties(task), activityAssociations('task', { companyId: on.companyId, dealId: on.dealId ?? null }));
      return created.id;
    });
  }

  async addNote(target: CrmActivityTarget, input: { body: string; idempotencyKey: string; at?: string }): Promise<CrmWriteResult> {
    const on = checked(TargetSchema, target, 'on');
    const note = checked(NoteSchema, input, 'note');
    const ledger = this.requireLedger();
    // The note's timeline instant is fixed on the first attempt: a retry must describe the same note.
    const request = { on, body: note.body, at: note.at ?? null };
    return ledger.once('hubspot.note.create', note.idempotencyKey, request, async () => {
      const created = await this.client.createNote(noteProperties({ body: note.body, at: note.at ?? new Date().toISOString() }), activityAssociations('note', { companyId: on.companyId, dealId: on.dealId ?? null }));
      return created.id;
    });
  }

  private requireLedger(): IdempotencyLedger {
    return this.ledger ?? fail({ kind: 'internal', message: 'HubSpot writes need an idempotency ledger' });
  }
}
