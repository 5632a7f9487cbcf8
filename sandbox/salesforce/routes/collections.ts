/**
 * sObject Collections: create, update, upsert, retrieve and delete up to 200 records per call,
 * with `allOrNone` rollback. Per-record errors use `statusCode` (not `errorCode`), as documented;
 * a failed record has no `id`, and every upsert result says `created` (false when it failed or
 * was rolled back), as Salesforce's UpsertResult does.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { SalesforceDataset, SalesforceRecord } from '../../seed/types.js';
import { SalesforceError } from '../errors.js';
import { apiVersion, readJson, sobjectParam, type SalesforceEnv } from '../context.js';
import { applyUpdate, checkWrite, deleteRecord, insertRecord, presentRecord, refuseReadOnlyType } from '../records.js';
import { findField, resolveSObject, typeOfId, type SObjectType } from '../schema.js';
import { allRecords, findRecord, isDeleted } from '../store.js';

/** Records per collections call. */
export const MAX_COLLECTION = 200;

type Scalar = string | number | boolean | null;
interface Outcome {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  created?: boolean;
}

const bodySchema = z.object({ allOrNone: z.boolean().default(false), records: z.array(z.record(z.string(), z.unknown())) });

function tooMany(count: number): SalesforceError {
  return new SalesforceError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call (got ${count})`);
}

function failure(err: unknown): Outcome['errors'] {
  if (err instanceof SalesforceError) return err.items.map((i) => ({ statusCode: i.errorCode, message: i.message, fields: i.fields ?? [] }));
  throw err;
}

/**
 * Checks every record first; with allOrNone one failure rolls back (writes nothing). `upsert`
 * adds `created: false` to failed and rolled-back results.
 */
function twoPhase<T>(allOrNone: boolean, items: T[], check: (item: T) => () => Outcome, upsert = false): Outcome[] {
  const failed = (errors: Outcome['errors']): Outcome => ({ success: false, errors, ...(upsert ? { created: false } : {}) });
  const planned = items.map((item) => {
    try {
      return { apply: check(item) };
    } catch (err) {
      return { errors: failure(err) };
    }
  });
  if (allOrNone && planned.some((p) => 'errors' in p)) {
    return planned.map((p) =>
      failed(
        'errors' in p && p.errors
          ? p.errors
          : [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }],
      ),
    );
  }
  return planned.map((p) => ('apply' in p && p.apply ? p.apply() : failed(p.errors ?? [])));
}

async function readBody(c: Context<SalesforceEnv>): Promise<z.infer<typeof bodySchema>> {
  const raw = await readJson(c);
  const records = (raw as { records?: unknown } | null)?.records;
  if (Array.isArray(records) && records.length > MAX_COLLECTION) throw tooMany(records.length);
  const parsed = bodySchema.safeParse(raw);
  if (!parsed.success) throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'Expected {"allOrNone": boolean, "records": [ {...}, ... ]}');
  return parsed.data;
}

function recordType(rec: Record<string, unknown>, fallback?: SObjectType): SObjectType {
  const named = (rec.attributes as { type?: unknown } | undefined)?.type;
  const type = typeof named === 'string' ? resolveSObject(named) : fallback;
  if (!type) throw new SalesforceError(400, 'INVALID_TYPE', `Missing or unsupported attributes.type: ${String(named)}`);
  return type;
}

function existing(ds: SalesforceDataset, id: unknown): { rec: SalesforceRecord; type: SObjectType } {
  if (typeof id !== 'string') throw new SalesforceError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
  const type = typeOfId(id);
  const rec = type ? findRecord(ds, type, id, true) : undefined;
  if (!type || !rec) throw new SalesforceError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${id}`, ['Id']);
  if (isDeleted(rec)) throw new SalesforceError(400, 'ENTITY_IS_DELETED', 'entity is deleted', ['Id']);
  return { rec, type };
}

/** The record's Id, whatever the key's case (`Id`, or `id` as jsforce sends it). */
function idOf(rec: Record<string, unknown>): unknown {
  const key = Object.keys(rec).find((k) => k.toLowerCase() === 'id');
  return key === undefined ? undefined : rec[key];
}

/** Routes under /services/data/:version/composite/sobjects. */
export function collectionRoutes(): Hono<SalesforceEnv> {
  const app = new Hono<SalesforceEnv>();

  app.post('/', async (c) => {
    apiVersion(c);
    const ds = c.get('ds');
    const body = await readBody(c);
    return c.json(
      twoPhase(body.allOrNone, body.records, (rec) => {
        if (idOf(rec) !== undefined) throw new SalesforceError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
        const type = recordType(rec);
        const values = checkWrite(ds, type, rec);
        return () => ({ id: insertRecord(ds, type, values).Id, success: true, errors: [] });
      }),
    );
  });

  app.patch('/', async (c) => {
    apiVersion(c);
    const ds = c.get('ds');
    const body = await readBody(c);
    return c.json(
      twoPhase(body.allOrNone, body.records, (input) => {
        const { rec, type } = existing(ds, idOf(input));
        const values = checkWrite(ds, type, input, rec);
        return () => {
          applyUpdate(type, rec, values);
          return { id: rec.Id, success: true, errors: [] };
        };
      }),
    );
  });

  app.patch('/:type/:field', async (c) => {
    apiVersion(c);
    const type = sobjectParam(c);
    const ds = c.get('ds');
    const def = findField(type, c.req.param('field'));
    if (!def?.externalId) throw new SalesforceError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${c.req.param('field')}`);
    const body = await readBody(c);
    return c.json(
      twoPhase(body.allOrNone, body.records, (input) => {
        const key = input[def.name];
        if (typeof key !== 'string' || !key) throw new SalesforceError(400, 'MISSING_ARGUMENT', `${def.name} not specified`, [def.name]);
        const match = allRecords(ds, type).find((r) => !isDeleted(r) && r[def.name] === key);
        const values: Record<string, Scalar> = checkWrite(ds, type, input, match);
        return () => {
          if (match) {
            applyUpdate(type, match, values);
            return { id: match.Id, success: true, errors: [], created: false };
          }
          return { id: insertRecord(ds, type, values).Id, success: true, errors: [], created: true };
        };
      }, true),
    );
  });

  const retrieve = (c: Context<SalesforceEnv>, ids: string[], fields: string[]) => {
    const version = apiVersion(c);
    const type = sobjectParam(c);
    if (ids.length > 2000) throw new SalesforceError(400, 'EXCEEDED_ID_LIMIT', 'cannot retrieve more than 2000 records in one call');
    if (!fields.length) throw new SalesforceError(400, 'MISSING_ARGUMENT', 'fields is required', ['fields']);
    return c.json(ids.map((id) => {
      const rec = findRecord(c.get('ds'), type, id);
      return rec ? presentRecord(version, type, rec, fields) : null;
    }));
  };
  const csv = (raw: string | undefined) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);

  app.get('/:type', (c) => retrieve(c, csv(c.req.query('ids')), csv(c.req.query('fields'))));
  app.post('/:type', async (c) => {
    const parsed = z.object({ ids: z.array(z.string()), fields: z.array(z.string()) }).safeParse(await readJson(c));
    if (!parsed.success) throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'Expected {"ids": [...], "fields": [...]}');
    return retrieve(c, parsed.data.ids, parsed.data.fields);
  });

  app.delete('/', (c) => {
    apiVersion(c);
    const ds = c.get('ds');
    const ids = csv(c.req.query('ids'));
    if (ids.length > MAX_COLLECTION) throw tooMany(ids.length);
    return c.json(
      twoPhase(c.req.query('allOrNone') === 'true', ids, (id) => {
        const { rec, type } = existing(ds, id);
        refuseReadOnlyType(type, 'delete');
        return () => {
          deleteRecord(ds, type, rec);
          return { id: rec.Id, success: true, errors: [] };
        };
      }),
    );
  });

  return app;
}
