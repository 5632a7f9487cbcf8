/**
 * Merging Accounts as Salesforce does (SOAP `merge()`, Apex `merge`; jsforce's REST client has no
 * merge call): up to two records merge into a master in one operation; the related records of the
 * losers (Contacts, Opportunities, Tasks, child Accounts) are reparented to the master, each loser
 * goes to the Recycle Bin with `MasterRecordId` set to the master (so `queryAll` shows where it
 * went) and its deletion is logged for `sobjects/Account/deleted`, and the master is updated
 * (its SystemModstamp moves). Field values of the master may be overridden by the request, as
 * `masterRecord`'s fields in a MergeRequest.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm
 * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_triggers_merge_statements.htm
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import type { SalesforceDataset } from '../seed/types.js';
import { SalesforceError } from './errors.js';
import { applyUpdate, checkWrite, deleteRecord } from './records.js';
import { childRelationships } from './relationships.js';
import { allRecords, findRecord, sameId } from './store.js';

/** What one merge did, as `MergeResult` reports it. */
export interface MergeResult {
  id: string;
  mergedRecordIds: string[];
  updatedRelatedIds: string[];
  success: true;
}

/** Merges `losers` (one or two Accounts) into `masterId`; throws Salesforce's errors for bad ids. */
export function mergeAccounts(ds: SalesforceDataset, masterId: string, loserIds: readonly string[], masterFields: Record<string, unknown> = {}): MergeResult {
  const master = findRecord(ds, 'Account', masterId);
  if (!master) throw new SalesforceError(400, 'INVALID_ID_FIELD', `invalid record id: ${masterId}`, ['masterRecord']);
  if (loserIds.length < 1 || loserIds.length > 2) throw new SalesforceError(400, 'INVALID_OPERATION', 'A single merge request must contain at least one and no more than two records to merge');
  const losers = loserIds.map((id) => {
    if (sameId(id, master.Id)) throw new SalesforceError(400, 'INVALID_OPERATION', 'Cannot merge a record with itself', ['recordToMergeIds']);
    const rec = findRecord(ds, 'Account', id);
    if (!rec) throw new SalesforceError(400, 'ENTITY_IS_DELETED', `entity is deleted or does not exist: ${id}`, ['recordToMergeIds']);
    return rec;
  });
  const values = checkWrite(ds, 'Account', masterFields, master);
  const updatedRelatedIds: string[] = [];
  for (const loser of losers) {
    // Related records follow the master before the loser is deleted (no cascade deletes them).
    for (const rel of childRelationships('Account')) {
      for (const child of allRecords(ds, rel.childSObject)) {
        if (child.IsDeleted === true || typeof child[rel.field] !== 'string' || !sameId(child[rel.field] as string, loser.Id)) continue;
        if (rel.childSObject === 'Account' && sameId(child.Id, master.Id)) continue;
        child[rel.field] = master.Id;
        updatedRelatedIds.push(child.Id);
      }
    }
    loser.MasterRecordId = master.Id;
    deleteRecord(ds, 'Account', loser);
  }
  applyUpdate('Account', master, values);
  return { id: master.Id, mergedRecordIds: losers.map((l) => l.Id), updatedRelatedIds, success: true };
}

const mergeBody = z
  .object({
    tenant: z.enum(['demo', 'other']).default('demo'),
    masterRecordId: z.string().min(15).max(18),
    recordToMergeIds: z.array(z.string().min(15).max(18)).min(1).max(2),
    /** Field values the master takes (e.g. a loser's Website), as in a MergeRequest's masterRecord. */
    masterRecord: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** `POST /__sandbox/salesforce/merge` (mounted at `/__sandbox/salesforce`): what an admin's merge in the org does. */
export function salesforceMergeAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  app.post('/merge', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = mergeBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 422, 'invalid_merge', 'Invalid merge request', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const { tenant, masterRecordId, recordToMergeIds, masterRecord } = parsed.data;
    try {
      return c.json(mergeAccounts(state.dataset(tenant).salesforce, masterRecordId, recordToMergeIds, masterRecord));
    } catch (err) {
      if (err instanceof SalesforceError) return c.json(err.items, err.status);
      throw err;
    }
  });
  return app;
}
