/**
 * CRM v3 batch endpoints: read, create, update, upsert, archive — at most 100 inputs each;
 * partial failures answer 207 multi-status with `errors`. Updates address records by id, or by a
 * unique-value `idProperty`; upserts need a unique-value `idProperty` (records cannot be created
 * under a HubSpot id), and anything else is refused before a record is touched (store.ts
 * `requireUniqueIdProperty`). One batch may name a record once.
 * https://developers.hubspot.com/docs/api/crm/companies (Batch tab)
 * https://developers.hubspot.com/docs/api/crm/objects#upsert-records
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { invalid } from '../errors.js';
import { countBatchRecords } from '../../core/limits.js';
import { nowIso, readJson, type HubSpotEnv } from '../context.js';
import { checkWrite, listParam, present } from '../shape.js';
import { archiveObject, findObject, requireUniqueIdProperty, resolveType, type ObjectType } from '../store.js';
import { associationInputSchema, createObject, updateObject } from './objects.js';

const MAX_INPUTS = 100;
const idSchema = z.union([z.string(), z.number()]).transform(String);

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const arr = (body as { inputs?: unknown } | null)?.inputs;
  if (Array.isArray(arr) && arr.length > MAX_INPUTS) {
    throw invalid(`Batch input limit exceeded: ${arr.length} inputs were sent, the maximum is ${MAX_INPUTS}.`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(`Invalid input JSON: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** HubSpot refuses a batch that names one record twice (the inputs would race each other). */
function requireDistinctIds(ids: string[]): void {
  const seen = new Set<string>();
  const dups = [...new Set(ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false))))];
  if (dups.length) throw invalid(`Duplicate IDs found in batch input: [${dups.join(', ')}]. IDs must be unique`);
}

/** The batch envelope: 200/201 COMPLETE, or 207 with `errors` when some inputs failed. */
function batchAnswer(c: Context<HubSpotEnv>, okStatus: 200 | 201, startedAt: string, results: unknown[], missing: string[], type: ObjectType): Response {
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: nowIso() };
  if (missing.length === 0) return c.json(body, okStatus);
  body.numErrors = 1;
  body.errors = [
    {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Could not get some ${type.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing },
    },
  ];
  return c.json(body, 207);
}

/** Routes under /crm/v3/objects/{type}/batch. */
export function batchRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();

  app.post('/:type/batch/read', async (c) => {
    const started = nowIso();
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const body = parse(
      z.object({ inputs: z.array(z.object({ id: idSchema })), properties: z.array(z.string()).optional(), idProperty: z.string().optional() }),
      await readJson(c),
    );
    const props = listParam(body.properties);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const { id } of body.inputs) {
      const obj = findObject(ds, type, id, body.idProperty);
      if (obj) results.push(present(ds, type, obj, props));
      else missing.push(id);
    }
    return batchAnswer(c, 200, started, results, missing, type);
  });

  app.post('/:type/batch/create', async (c) => {
    const started = nowIso();
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const body = parse(z.object({ inputs: z.array(z.object({ properties: z.unknown(), associations: associationInputSchema.optional() })) }), await readJson(c));
    // Validate every input before writing any, so a bad input leaves the portal unchanged.
    for (const input of body.inputs) checkWrite(ds, type, input.properties);
    const created = body.inputs.map((input) => createObject(ds, type, input.properties, input.associations));
    return batchAnswer(c, 201, started, created.map((o) => present(ds, type, o, Object.keys(o.properties))), [], type);
  });

  app.post('/:type/batch/update', async (c) => {
    const started = nowIso();
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const body = parse(z.object({ inputs: z.array(z.object({ id: idSchema, idProperty: z.string().optional(), properties: z.unknown() })) }), await readJson(c));
    for (const input of body.inputs) if (input.idProperty !== undefined) requireUniqueIdProperty(ds, type, input.idProperty);
    requireDistinctIds(body.inputs.map((i) => `${i.idProperty ?? ''}:${i.id}`.replace(/^:/, '')));
    for (const input of body.inputs) checkWrite(ds, type, input.properties);
    countBatchRecords(c.req.raw, body.inputs.length);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of body.inputs) {
      const obj = findObject(ds, type, input.id, input.idProperty);
      if (!obj) {
        missing.push(input.id);
        continue;
      }
      updateObject(ds, type, obj, input.properties);
      // An update answers with the properties it set (and the ones every object returns).
      results.push(present(ds, type, obj, Object.keys(input.properties ?? {})));
    }
    return batchAnswer(c, 200, started, results, missing, type);
  });

  app.post('/:type/batch/upsert', async (c) => {
    const started = nowIso();
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const body = parse(
      z.object({ inputs: z.array(z.object({ id: idSchema, idProperty: z.string().min(1).optional(), properties: z.record(z.string(), z.unknown()).default({}) })) }),
      await readJson(c),
    );
    // Without an idProperty the input would key on the record id, which is not a unique-value
    // property either: refused the same way.
    for (const input of body.inputs) requireUniqueIdProperty(ds, type, input.idProperty ?? 'hs_object_id');
    requireDistinctIds(body.inputs.map((i) => `${i.idProperty}:${i.id.toLowerCase()}`));
    for (const input of body.inputs) checkWrite(ds, type, input.properties);
    const results: unknown[] = [];
    for (const input of body.inputs) {
      const idProperty = input.idProperty!;
      const existing = findObject(ds, type, input.id, idProperty);
      if (existing) {
        results.push({ ...present(ds, type, updateObject(ds, type, existing, input.properties), [...Object.keys(input.properties), idProperty]), new: false });
      } else {
        const obj = createObject(ds, type, { ...input.properties, [idProperty]: input.id });
        results.push({ ...present(ds, type, obj, Object.keys(obj.properties)), new: true });
      }
    }
    return batchAnswer(c, 200, started, results, [], type);
  });

  app.post('/:type/batch/archive', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const body = parse(z.object({ inputs: z.array(z.object({ id: idSchema })) }), await readJson(c));
    const at = nowIso();
    for (const id of new Set(body.inputs.map((i) => i.id))) archiveObject(ds, type, id, at);
    return c.body(null, 204);
  });

  return app;
}
