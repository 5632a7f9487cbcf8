/**
 * Salesforce as Concord's CRM port, on jsforce (client.ts): Accounts (companies), Contacts,
 * Opportunities (deals) with their line items, and Tasks. Reads are SOQL with full paging;
 * batched writes are sObject Collections upserts by Concord's key (200 per call, allOrNone
 * false, per-record errors reported); dependent writes (a Task filed on an Account that must
 * exist) are Composite calls of at most 25 subrequests.
 */
import type { z } from 'zod';
import { ConcordError, fail, type FieldIssue } from '../../errors.js';
import type {
  AccountFacts,
  AccountFactsUpdate,
  CompanyPropertyUpdate,
  CompanyUpdateResult,
  CompanyFieldsUpdate,
  CrmActivityTarget,
  CrmCompanyChange,
  CrmCompanyRemoval,
  CrmBatchWriteResult,
  CrmContact,
  CrmContactInput,
  CrmDeal,
  CrmDealInput,
  CrmDealLine,
  CrmDealLineInput,
  CrmOrderSource,
  CrmPort,
  CrmWriteResult,
  DealFacts,
  DealFactsUpdate,
  MatchRecord,
} from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { SalesforceClient, type SalesforceClientOptions, type SaveOutcome } from './client.js';
import { salesforceDescriptor as d } from './descriptor.js';
import {
  DEAL_ACCOUNT_FIELDS,
  SOBJECT,
  accountFactsFromRow,
  accountFactsRecord,
  dealFactsRecord,
  SOQL,
  accountIdOfDeal,
  accountUpdateRecord,
  contactFromRow,
  contactRecord,
  dealFromRow,
  dealLineFromRow,
  dealRecord,
  lineCreateRecord,
  lineUpdateRecord,
  matchRecordFromAccount,
  salesforceInstant,
  orderSourceFromRows,
  concordKey,
  taskSubrequests,
} from './map.js';
import {
  AccountFactsRowSchema,
  AccountRowSchema,
  ChangedAccountRowSchema,
  ContactRowSchema,
  DeletedAccountRowSchema,
  DealAccountRowSchema,
  KeyedIdRowSchema,
  LineItemRowSchema,
  OpportunityRowSchema,
  OrderAccountRowSchema,
  OrderLineRowSchema,
  OrderOpportunityRowSchema,
  errorItems,
  type CompositeSubrequest,
} from './schemas.js';

/** A task or note to file, with Concord's idempotency key. */
export interface SalesforceActivity {
  on: CrmActivityTarget;
  subject: string;
  body: string;
  dueDate?: string;
  /** A note is filed as a completed Task (what "Log a Call" does). */
  completed?: boolean;
  idempotencyKey: string;
}

/** Per-activity outcome of `createTasks`, in input order. */
export type ActivityOutcome = ({ ok: true } & CrmWriteResult) | { ok: false; errors: { code: string; message: string; fields: string[] }[] };

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Refuse input Salesforce would refuse anyway, before spending an API call (field paths as given). */
function check(issues: FieldIssue[]): void {
  if (issues.length) throw new ConcordError({ kind: 'validation', issues, status: 422 });
}

function keyIssues(path: string, key: string): FieldIssue[] {
  return key.length === 0 || key.length > 64 ? [{ path, message: 'must be 1..64 characters', code: 'invalid_key' }] : [];
}

/** Issues of an optional record id (`required`: it must be there). */
function idIssues(path: string, id: string | null | undefined, required = false): FieldIssue[] {
  if (!id) return required ? [{ path, message: 'not a Salesforce record id', code: 'invalid_id' }] : [];
  return ID.test(id) ? [] : [{ path, message: 'not a Salesforce record id', code: 'invalid_id' }];
}

function batchResult(keys: string[], outcomes: SaveOutcome[]): CrmBatchWriteResult {
  return {
    results: outcomes.map((o, i) => {
      const key = keys[i]!;
      return o.ok ? { key, ok: true, id: o.id, created: o.created ?? false } : { key, ok: false, errors: o.errors.map((e) => ({ code: e.errorCode, message: e.message, fields: e.fields })) };
    }),
    calls: Math.ceil(keys.length / d.collectionsSize),
  };
}

export class SalesforceCrm implements CrmPort {
  readonly client: SalesforceClient;

  constructor(conn: Connection, ctx: CallContext, opts: SalesforceClientOptions = {}) {
    this.client = new SalesforceClient(conn, ctx, opts);
  }

  async *companies(): AsyncIterable<MatchRecord[]> {
    for await (const page of this.client.query(SOQL.accounts(), AccountRowSchema)) {
      yield page.map(matchRecordFromAccount);
    }
  }

  /** Every row of `soql` built per chunk of `values` (an `IN` list per query). */
  private async collect<T, R>(values: readonly string[], soql: (inList: string[]) => string, row: z.ZodType<R>, map: (r: R) => T): Promise<T[]> {
    const wanted = [...new Set(values.filter((v) => ID.test(v)))];
    const out: T[] = [];
    for (const part of chunks(wanted, d.soqlInChunk)) {
      for await (const page of this.client.query(soql(part), row)) out.push(...page.map(map));
    }
    return out;
  }

  companiesByIds(ids: string[]): Promise<MatchRecord[]> {
    return this.collect(ids, SOQL.accountsByIds, AccountRowSchema, matchRecordFromAccount);
  }

  /** Accounts whose SystemModstamp is later than `since`, oldest first (SOQL, paged). */
  async *companiesChangedSince(since: Date): AsyncIterable<CrmCompanyChange[]> {
    for await (const page of this.client.query(SOQL.accountsChangedSince(since), ChangedAccountRowSchema)) {
      yield page.map((r) => ({ record: matchRecordFromAccount(r), createdAt: salesforceInstant(r.CreatedDate), modifiedAt: salesforceInstant(r.SystemModstamp) }));
    }
  }

  /**
   * Accounts deleted in [start, end) from the delete log (`sobjects/Account/deleted`), then read
   * from the Recycle Bin with `queryAll` for `MasterRecordId`: set to the winner on the losing
   * records of a merge, empty for a plain delete. A record purged from the Recycle Bin since (not
   * found by queryAll) counts as deleted.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
   * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_triggers_merge_statements.htm
   */
  async companiesDeletedBetween(start: Date, end: Date): Promise<{ removed: CrmCompanyRemoval[]; coveredUntil: number }> {
    const answer = await this.client.deleted(SOBJECT.account, start, end);
    const ids = answer.deletedRecords.map((r) => r.id);
    const masters = new Map<string, string | null>();
    for (const part of chunks([...new Set(ids.filter((id) => ID.test(id)))], d.soqlInChunk)) {
      for await (const page of this.client.query(SOQL.deletedAccounts(part), DeletedAccountRowSchema, { includeDeleted: true })) {
        for (const r of page) masters.set(r.Id, r.MasterRecordId ?? null);
      }
    }
    const covered = answer.latestDateCovered ? salesforceInstant(answer.latestDateCovered) : NaN;
    return {
      removed: answer.deletedRecords.map((r) => ({ externalId: r.id, deletedAt: salesforceInstant(r.deletedDate), mergedInto: masters.get(r.id) ?? null })),
      coveredUntil: Number.isFinite(covered) ? covered : end.getTime(),
    };
  }

  /**
   * Concord's fields on Accounts as they are now (SOQL by Id, 200 ids per `IN` list): what
   * reconciliation compares with what Concord would write. Accounts not found are absent.
   */
  async accountFactsOf(recordIds: string[]): Promise<Map<string, Partial<AccountFacts>>> {
    const rows = await this.collect(recordIds, SOQL.accountFacts, AccountFactsRowSchema, (r) => [r.Id, accountFactsFromRow(r)] as const);
    return new Map(rows);
  }

  contactsByIds(ids: string[]): Promise<CrmContact[]> {
    return this.collect(ids, SOQL.contactsByIds, ContactRowSchema, contactFromRow);
  }

  dealsByIds(ids: string[]): Promise<CrmDeal[]> {
    return this.collect(ids, SOQL.dealsByIds, OpportunityRowSchema, dealFromRow);
  }

  contactsOfCompany(companyId: string): Promise<CrmContact[]> {
    return this.collect([companyId], SOQL.contactsOfAccounts, ContactRowSchema, contactFromRow);
  }

  dealsOfCompany(companyId: string): Promise<CrmDeal[]> {
    return this.collect([companyId], SOQL.dealsOfAccounts, OpportunityRowSchema, dealFromRow);
  }

  dealLines(dealIds: string[]): Promise<CrmDealLine[]> {
    return this.collect(dealIds, SOQL.linesOfDeals, LineItemRowSchema, dealLineFromRow);
  }

  /**
   * The Account an Opportunity belongs to (null: it has none). A missing Opportunity is
   * `not_found`, as the REST API answers.
   */
  async dealCompanyId(dealId: string): Promise<string | null> {
    if (!ID.test(dealId)) throw new ConcordError({ kind: 'not_found', entity: 'salesforce_record', id: dealId });
    const row = await this.client.retrieve(SOBJECT.deal, dealId, DEAL_ACCOUNT_FIELDS, DealAccountRowSchema);
    if (!row) throw new ConcordError({ kind: 'not_found', entity: 'salesforce_record', id: dealId });
    return accountIdOfDeal(row);
  }

  async upsertContacts(contacts: CrmContactInput[]): Promise<CrmBatchWriteResult> {
    check(contacts.flatMap((c, i) => [...keyIssues(`${i}.key`, c.key), ...idIssues(`${i}.companyId`, c.companyId)]));
    const outcomes = await this.client.saveMany('upsert', SOBJECT.contact, contacts.map(contactRecord), d.keyField);
    return batchResult(contacts.map((c) => c.key), outcomes);
  }

  async upsertDeals(deals: CrmDealInput[]): Promise<CrmBatchWriteResult> {
    check(
      deals.flatMap((o, i) => [
        ...keyIssues(`${i}.key`, o.key),
        ...idIssues(`${i}.companyId`, o.companyId),
        ...(DATE.test(o.closeDate) ? [] : [{ path: `${i}.closeDate`, message: 'must be YYYY-MM-DD', code: 'invalid_date' }]),
      ]),
    );
    const outcomes = await this.client.saveMany('upsert', SOBJECT.deal, deals.map(dealRecord), d.keyField);
    return batchResult(deals.map((o) => o.key), outcomes);
  }

  /**
   * A deal's line items by Concord's key: the keys already on the org are looked up, missing lines
   * are created (Collections create, with the Opportunity) and existing ones updated (Collections
   * update; a line's Opportunity cannot change). A re-run updates, never duplicates.
   */
  async upsertDealLines(dealId: string, lines: CrmDealLineInput[]): Promise<CrmBatchWriteResult> {
    check([
      ...idIssues('dealId', dealId, true),
      ...lines.flatMap((l, i) => [
        ...keyIssues(`${i}.key`, l.key),
        ...(Number.isFinite(l.quantity) && l.quantity > 0 ? [] : [{ path: `${i}.quantity`, message: 'must be a positive number', code: 'invalid_quantity' }]),
      ]),
    ]);
    const existing = await this.idsByKey(lines.map((l) => l.key), SOQL.linesByKeys);
    const toCreate = lines.map((l, i) => ({ l, i })).filter(({ l }) => !existing.has(l.key));
    const toUpdate = lines.map((l, i) => ({ l, i })).filter(({ l }) => existing.has(l.key));
    const created = await this.client.saveMany('create', SOBJECT.dealLine, toCreate.map(({ l }) => lineCreateRecord(dealId, l)));
    const updated = await this.client.saveMany('update', SOBJECT.dealLine, toUpdate.map(({ l }) => lineUpdateRecord(existing.get(l.key)!, l)));
    const results: CrmBatchWriteResult['results'] = new Array(lines.length);
    const put = (part: { l: CrmDealLineInput; i: number }[], outcomes: SaveOutcome[], isNew: boolean) =>
      part.forEach(({ l, i }, n) => {
        const o = outcomes[n]!;
        results[i] = o.ok ? { key: l.key, ok: true, id: o.id, created: isNew } : { key: l.key, ok: false, errors: o.errors.map((e) => ({ code: e.errorCode, message: e.message, fields: e.fields })) };
      });
    put(toCreate, created, true);
    put(toUpdate, updated, false);
    return { results, calls: Math.ceil(toCreate.length / d.collectionsSize) + Math.ceil(toUpdate.length / d.collectionsSize) };
  }

  /** Record ids on the org by Concord's key (records without a key are not Concord's). */
  private async idsByKey(keys: string[], soql: (keys: string[]) => string): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const part of chunks([...new Set(keys)], d.soqlInChunk)) {
      for await (const page of this.client.query(soql(part), KeyedIdRowSchema)) {
        for (const r of page) {
          const k = concordKey(r);
          if (k) ids.set(k, r.Id);
        }
      }
    }
    return ids;
  }

  /** Company field updates by Account id, 200 per Collections call; failures per record. */
  async updateCompanies(updates: CompanyPropertyUpdate[]): Promise<CompanyUpdateResult> {
    check(updates.flatMap((u, i) => idIssues(`${i}.externalId`, u.externalId, true)));
    const outcomes = await this.client.saveMany('update', SOBJECT.account, updates.map((u) => accountUpdateRecord(u.externalId, u.properties)));
    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [{ externalId: updates[i]!.externalId, message: o.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') }]));
    return { updated: outcomes.length - failed.length, calls: Math.ceil(updates.length / d.collectionsSize), failed };
  }

  /** Concord's facts on Accounts, 200 per Collections call; failures per record. */
  async writeAccountFacts(updates: AccountFactsUpdate[]): Promise<CompanyUpdateResult> {
    check(updates.flatMap((u, i) => idIssues(`${i}.recordId`, u.recordId, true)));
    const outcomes = await this.client.saveMany('update', SOBJECT.account, updates.map((u) => accountFactsRecord(u.recordId, u.facts)));
    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [{ externalId: updates[i]!.recordId, message: o.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') }]));
    return { updated: outcomes.length - failed.length, calls: Math.ceil(updates.length / d.collectionsSize), failed };
  }

  /**
   * Account name, web domain and billing country (`Name`, `Website`, `BillingCountry`), the repair
   * half of reconciliation: Collections updates, 200 per call, failures per record. A domain is
   * written as Salesforce keeps websites people type (the host, no scheme); identity reads either.
   */
  async writeCompanyFields(updates: CompanyFieldsUpdate[]): Promise<CompanyUpdateResult> {
    check(updates.flatMap((u, i) => idIssues(`${i}.recordId`, u.recordId, true)));
    const records = updates.map((u) => ({
      Id: u.recordId,
      ...(u.fields.name !== undefined ? { Name: u.fields.name } : {}),
      ...(u.fields.domain !== undefined ? { Website: u.fields.domain } : {}),
      ...(u.fields.country !== undefined ? { BillingCountry: u.fields.country } : {}),
    }));
    const outcomes = await this.client.saveMany('update', SOBJECT.account, records);
    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [{ externalId: updates[i]!.recordId, message: o.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') }]));
    return { updated: outcomes.length - failed.length, calls: Math.ceil(updates.length / d.collectionsSize), failed };
  }

  async orderSource(dealId: string): Promise<CrmOrderSource> {
    const source = ID.test(dealId) ? (await this.orderSources([dealId])).get(dealId) : undefined;
    if (!source) throw new ConcordError({ kind: 'not_found', entity: 'deal', id: dealId });
    return source;
  }

  /**
   * Opportunities with their Account, owner and line items: three SOQL queries per 200
   * Opportunities (Opportunity with Owner, their Accounts, their line items with Product2).
   * Ids are matched as given and as 18-character ids.
   */
  async orderSources(dealIds: string[]): Promise<Map<string, CrmOrderSource>> {
    const deals = await this.collect(dealIds, SOQL.orderDeals, OrderOpportunityRowSchema, (r) => r);
    const accounts = new Map((await this.collect(deals.map((o) => o.AccountId ?? ''), SOQL.orderAccounts, OrderAccountRowSchema, (r) => r)).map((a) => [a.Id, a]));
    const lines = await this.collect(deals.map((o) => o.Id), SOQL.orderLines, OrderLineRowSchema, (r) => r);
    const out = new Map<string, CrmOrderSource>();
    for (const o of deals) {
      const source = orderSourceFromRows(o, accounts.get(o.AccountId ?? '') ?? null, lines.filter((l) => l.OpportunityId === o.Id));
      out.set(o.Id, source);
      // Callers may name the Opportunity by its 15-character id.
      for (const asked of dealIds) if (asked !== o.Id && o.Id.startsWith(asked) && asked.length === 15) out.set(asked, source);
    }
    return out;
  }

  /** The order's state on many Opportunities (Collections updates, 200 per call; failures per record). */
  async writeDealFactsMany(updates: DealFactsUpdate[]): Promise<CompanyUpdateResult> {
    check(updates.flatMap((u, i) => idIssues(`${i}.recordId`, u.recordId, true)));
    const merged = new Map<string, Record<string, unknown>>();
    for (const u of updates) merged.set(u.recordId, { ...merged.get(u.recordId), ...dealFactsRecord(u.facts) });
    const ids = [...merged.keys()];
    const outcomes = await this.client.saveMany('update', SOBJECT.deal, ids.map((id) => ({ ...merged.get(id), Id: id })));
    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [{ externalId: ids[i]!, message: o.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') }]));
    return { updated: outcomes.length - failed.length, calls: Math.ceil(ids.length / d.collectionsSize), failed };
  }

  /** The order's state on the Opportunity's Concord fields. */
  async writeDealFacts(dealId: string, facts: DealFacts): Promise<void> {
    check(idIssues('dealId', dealId, true));
    const [outcome] = await this.client.saveMany('update', SOBJECT.deal, [{ ...dealFactsRecord(facts), Id: dealId }]);
    if (outcome && !outcome.ok) fail({ kind: 'upstream_validation', system: d.system, detail: outcome.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') });
  }

  /** The Opportunity's Account (a deal has one company in Salesforce). */
  async companiesOfDeal(dealId: string): Promise<string[]> {
    const accountId = await this.dealCompanyId(dealId);
    return accountId ? [accountId] : [];
  }

  async createTask(on: CrmActivityTarget, task: { subject: string; body: string; dueDate: string; idempotencyKey: string }): Promise<CrmWriteResult> {
    return this.one(await this.createTasks([{ on, subject: task.subject, body: task.body, dueDate: task.dueDate, idempotencyKey: task.idempotencyKey }]));
  }

  async addNote(on: CrmActivityTarget, note: { body: string; idempotencyKey: string; at?: string }): Promise<CrmWriteResult> {
    const firstLine = note.body.split('\n', 1)[0]!.trim().slice(0, 80) || 'Note';
    return this.one(
      await this.createTasks([{ on, subject: `Note: ${firstLine}`, body: note.body, ...(note.at ? { dueDate: note.at.slice(0, 10) } : {}), completed: true, idempotencyKey: note.idempotencyKey }]),
    );
  }

  private one(outcomes: ActivityOutcome[]): CrmWriteResult {
    const o = outcomes[0]!;
    if (o.ok) return { id: o.id, replayed: o.replayed };
    const detail = o.errors.map((e) => `${e.code}: ${e.message}${e.fields.length ? ` [${e.fields.join(', ')}]` : ''}`).join('; ');
    if (o.errors.some((e) => e.code === 'NOT_FOUND')) throw new ConcordError({ kind: 'not_found', entity: 'salesforce_record', code: 'crm_record_not_found' });
    throw new ConcordError({ kind: 'upstream_validation', system: d.system, detail: detail.slice(0, 300) });
  }

  /**
   * File Tasks on Accounts (and Opportunities), idempotently: Tasks cannot carry an External ID
   * field, so Concord's key sits in the Task's `Concord_Id__c` text field and is looked up first;
   * missing ones are created by Composite calls in which each Task depends on reading its
   * Account (and Opportunity) first (`@{ref.Id}`), at most 25 subrequests per call. Two
   * concurrent writers with the same new key could both create: callers serialise per key
   * (card tasks go through the D1 idempotency ledger).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
   */
  async createTasks(items: SalesforceActivity[]): Promise<ActivityOutcome[]> {
    check(
      items.flatMap((t, i) => [
        ...keyIssues(`${i}.idempotencyKey`, t.idempotencyKey),
        ...idIssues(`${i}.on.companyId`, t.on.companyId, true),
        ...idIssues(`${i}.on.dealId`, t.on.dealId),
        ...(t.dueDate === undefined || DATE.test(t.dueDate) ? [] : [{ path: `${i}.dueDate`, message: 'must be YYYY-MM-DD', code: 'invalid_date' }]),
        ...(t.subject.trim() ? [] : [{ path: `${i}.subject`, message: 'required', code: 'required' }]),
      ]),
    );
    const existing = await this.idsByKey(items.map((t) => t.idempotencyKey), SOQL.tasksByKeys);
    const out: (ActivityOutcome | undefined)[] = items.map((t) => {
      const id = existing.get(t.idempotencyKey);
      return id ? { ok: true, id, replayed: true } : undefined;
    });
    // Pack the missing ones into Composite calls (a key repeated in the batch is created once).
    const pending = new Map<string, number[]>();
    items.forEach((t, i) => {
      if (out[i]) return;
      pending.set(t.idempotencyKey, [...(pending.get(t.idempotencyKey) ?? []), i]);
    });
    let batch: { subs: CompositeSubrequest[]; taskRef: Map<string, string> } = { subs: [], taskRef: new Map() };
    const flush = async () => {
      if (batch.subs.length === 0) return;
      const answers = await this.client.composite(batch.subs, { allOrNone: false, idempotent: false });
      const byRef = new Map(answers.map((a) => [a.referenceId, a]));
      for (const [key, ref] of batch.taskRef) {
        const a = byRef.get(ref);
        const id = a && a.status < 300 ? (a.body as { id?: unknown } | null)?.id : undefined;
        // A failed read of the Account/Opportunity explains a failed Task better than INVALID_REFERENCE.
        const cause = [...byRef.values()].find((r) => r.referenceId.startsWith(`${ref}_`) && r.status >= 400);
        const outcome: ActivityOutcome =
          typeof id === 'string'
            ? { ok: true, id, replayed: false }
            : { ok: false, errors: errorItems((cause ?? a)?.body).map((e) => ({ code: e.errorCode, message: e.message, fields: e.fields })) };
        if (!outcome.ok && outcome.errors.length === 0) outcome.errors.push({ code: 'UNKNOWN_EXCEPTION', message: `composite answered ${a?.status ?? 'nothing'}`, fields: [] });
        for (const i of pending.get(key) ?? []) out[i] = outcome;
      }
      batch = { subs: [], taskRef: new Map() };
    };
    let n = 0;
    for (const [key, indexes] of pending) {
      const t = items[indexes[0]!]!;
      const ref = `t${n++}`;
      // companyId was checked above (idIssues with required = true): Salesforce files Tasks on an Account.
      const subs = taskSubrequests(ref, { ...t.on, companyId: t.on.companyId! }, { subject: t.subject, body: t.body, ...(t.dueDate ? { dueDate: t.dueDate } : {}), completed: t.completed === true, key });
      if (batch.subs.length + subs.length > d.compositeSize) await flush();
      batch.subs.push(...subs);
      batch.taskRef.set(key, ref);
    }
    await flush();
    return out.map((o) => o ?? { ok: false, errors: [{ code: 'UNKNOWN_EXCEPTION', message: 'not written', fields: [] }] });
  }

  /** Tasks carrying Concord's key `key` (0 or 1 when written through Concord). */
  async tasksWithKey(key: string): Promise<number> {
    return this.client.count(SOQL.countTasksWithKey(key));
  }
}
