/**
 * Associations: v4 per-object list and default create, v4/v3 batch read. v4 answers name object
 * types by id (`fromObjectTypeId: "0-2"`), and a batch read answers 207 with one
 * `crm.associations.NO_ASSOCIATIONS_FOUND` error per input that has no associations (unknown ids
 * included), leaving those inputs out of `results`.
 * https://developers.hubspot.com/docs/api/crm/associations/v4
 * https://developers.hubspot.com/docs/api/crm/associations/v3
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { invalid } from '../errors.js';
import { nowIso, readJson, type HubSpotEnv } from '../context.js';
import { OBJECT_TYPE_IDS, SINGULAR, associationTypes, associate, dissociate, associatedIds, associationTypeId, findObject, getObject, primaryTypeId, resolveType, type ObjectType } from '../store.js';

const batchSchema = z.object({ inputs: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String) })).max(1000) });


/** Routes under /crm/v4. */
export function associationV4Routes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();

  app.get('/objects/:from/:id/associations/:to', (c) => {
    const from = resolveType(c.req.param('from'));
    const to = resolveType(c.req.param('to'));
    const ds = c.get('ds');
    getObject(ds, from, c.req.param('id'));
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? '500') || 500, 1), 500);
    const after = Math.max(Number(c.req.query('after') ?? '0') || 0, 0);
    const ids = associatedIds(ds, from, c.req.param('id'), to);
    const body: Record<string, unknown> = {
      results: ids.slice(after, after + limit).map((id) => ({ toObjectId: Number(id), associationTypes: associationTypes(ds, from, c.req.param('id'), to, id) })),
    };
    if (after + limit < ids.length) {
      const next = new URL(c.req.url);
      next.searchParams.set('after', String(after + limit));
      body.paging = { next: { after: String(after + limit), link: next.toString() } };
    }
    return c.json(body);
  });

  app.put('/objects/:from/:id/associations/default/:to/:toId', (c) => {
    const started = nowIso();
    const from = resolveType(c.req.param('from'));
    const to = resolveType(c.req.param('to'));
    associate(c.get('ds'), from, c.req.param('id'), to, c.req.param('toId'));
    const spec = (f: ObjectType, t: ObjectType) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: associationTypeId(f, t) });
    return c.json({
      status: 'COMPLETE',
      results: [
        { from: { id: c.req.param('id') }, to: { id: c.req.param('toId') }, associationSpec: spec(from, to) },
        { from: { id: c.req.param('toId') }, to: { id: c.req.param('id') }, associationSpec: spec(to, from) },
      ],
      startedAt: started,
      completedAt: nowIso(),
    });
  });

  // Labelled create: the sandbox has HubSpot's default type ids and the primary-company ones only. A
  // record's primary company is its first (a Primary create on a later one does not move it).
  app.put('/objects/:from/:id/associations/:to/:toId', async (c) => {
    const from = resolveType(c.req.param('from'));
    const to = resolveType(c.req.param('to'));
    const parsed = z.array(z.object({ associationCategory: z.string(), associationTypeId: z.number().int() })).min(1).safeParse(await readJson(c));
    if (!parsed.success) throw invalid('Invalid input JSON: expected [{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":n}]');
    const known = [associationTypeId(from, to), primaryTypeId(from, to)].filter((id) => id !== undefined);
    const unknown = parsed.data.find((s) => !known.includes(s.associationTypeId));
    if (unknown) throw invalid(`association type id ${unknown.associationTypeId} does not exist between ${from} and ${to}`);
    associate(c.get('ds'), from, c.req.param('id'), to, c.req.param('toId'));
    const owner = to === 'companies' ? from : to;
    const labels = parsed.data.some((s) => s.associationTypeId === primaryTypeId(from, to)) ? [`${owner === 'deals' ? 'Deal' : 'Contact'} with Primary Company`] : [];
    return c.json({ fromObjectTypeId: OBJECT_TYPE_IDS[from], fromObjectId: Number(c.req.param('id')), toObjectTypeId: OBJECT_TYPE_IDS[to], toObjectId: Number(c.req.param('toId')), labels }, 201);
  });

  app.delete('/objects/:from/:id/associations/:to/:toId', (c) => {
    dissociate(c.get('ds'), resolveType(c.req.param('from')), c.req.param('id'), resolveType(c.req.param('to')), c.req.param('toId'));
    return c.body(null, 204);
  });

  app.post('/associations/:from/:to/batch/read', async (c) => {
    const { started, from, to, ds, inputs } = await batchReadRequest(c);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const { id } of inputs) {
      const ids = findObject(ds, from, id) ? associatedIds(ds, from, id, to) : [];
      if (ids.length) results.push({ from: { id }, to: ids.map((toId) => ({ toObjectId: Number(toId), associationTypes: associationTypes(ds, from, id, to, toId) })) });
      else errors.push(noAssociations(from, to, id));
    }
    const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: started, completedAt: nowIso() };
    if (!errors.length) return c.json(body);
    return c.json({ ...body, numErrors: errors.length, errors }, 207);
  });

  return app;
}

/**
 * One input of a batch read without associations, as HubSpot reports it in a 207: e.g.
 * `{"status":"error","category":"OBJECT_NOT_FOUND","subCategory":"crm.associations.NO_ASSOCIATIONS_FOUND",
 * "message":"No company is associated with deal 515690208449.","context":{"fromObjectId":["515690208449"],
 * "fromObjectType":["deal"],"toObjectType":["company"]}}` (answers recorded by integrators).
 */
function noAssociations(from: ObjectType, to: ObjectType, id: string): Record<string, unknown> {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${id}.`,
    context: { fromObjectId: [id], fromObjectType: [SINGULAR[from]], toObjectType: [SINGULAR[to]] },
  };
}

/** The common part of the v3 and v4 association batch reads: types, dataset, validated inputs. */
async function batchReadRequest(c: Context<HubSpotEnv>) {
  const started = nowIso();
  const parsed = batchSchema.safeParse(await readJson(c));
  if (!parsed.success) throw invalid('Invalid input JSON: expected {"inputs":[{"id":"..."}]}');
  return { started, from: resolveType(c.req.param('from') ?? ''), to: resolveType(c.req.param('to') ?? ''), ds: c.get('ds'), inputs: parsed.data.inputs };
}

/** Routes under /crm/v3/associations. */
export function associationV3Routes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  app.post('/:from/:to/batch/read', async (c) => {
    const { started, from, to, ds, inputs } = await batchReadRequest(c);
    const results: unknown[] = [];
    const without: string[] = [];
    for (const { id } of inputs) {
      const ids = findObject(ds, from, id) ? associatedIds(ds, from, id, to) : [];
      if (ids.length) results.push({ from: { id }, to: ids.map((toId) => ({ id: toId, type: `${SINGULAR[from]}_to_${SINGULAR[to]}` })) });
      else without.push(id);
    }
    const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: started, completedAt: nowIso() };
    if (!without.length) return c.json(body);
    // HubSpot reports inputs without associations as per-input errors in a 207.
    body.numErrors = without.length;
    body.errors = without.map((id) => noAssociations(from, to, id));
    return c.json(body, 207);
  });
  return app;
}
