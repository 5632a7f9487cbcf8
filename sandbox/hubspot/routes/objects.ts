/**
 * CRM v3 basic object endpoints: list (paged), read, create, update, archive, merge.
 * https://developers.hubspot.com/docs/api/crm/companies (same shape for every object type)
 * Merge: `POST /crm/v3/objects/{type}/merge` `{primaryObjectId, objectIdToMerge}`
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/companies/merge-companies),
 * answered with the record the merge made (store.ts `mergeObjects`).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubSpotDataset, HubSpotObject } from '../../seed/types.js';
import { invalid } from '../errors.js';
import { nowIso, readJson, type HubSpotEnv } from '../context.js';
import { completeCommerceWrite } from '../commerce.js';
import { checkWrite, listParam, present } from '../shape.js';
import { REQUIRED_ON_CREATE, archiveObject, associate, getObject, mergeObjects, nextObjectId, notifyObjectChange, records, requireUniqueIdProperty, requireUniqueValues, resolveType, noteWritten, targetTypeForAssociation, type ObjectType } from '../store.js';

/** `associations` of a create body: `[{to:{id}, types:[{associationCategory, associationTypeId}]}]`. */
export const associationInputSchema = z.array(
  z.object({
    to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
    types: z.array(z.object({ associationCategory: z.string().optional(), associationTypeId: z.number().int() })).min(1),
  }),
);

const createSchema = z.object({ properties: z.unknown(), associations: associationInputSchema.optional() });

/** Creates an object (used by POST and the batch create/upsert endpoints). */
export function createObject(ds: HubSpotDataset, type: ObjectType, rawProps: unknown, associations?: z.infer<typeof associationInputSchema>): HubSpotObject {
  const props = completeCommerceWrite(ds, type, checkWrite(ds, type, rawProps));
  const absent = (REQUIRED_ON_CREATE[type] ?? []).filter((name) => !props[name]);
  if (absent.length) {
    throw invalid(`Property values were not valid: missing required properties ${absent.join(', ')}`, absent.map((name) => ({ message: `${name} is required`, code: 'REQUIRED_PROPERTY', context: { propertyName: [name] } })));
  }
  const links = (associations ?? []).map((a) => {
    const typeId = a.types[0]?.associationTypeId ?? 0;
    const to = targetTypeForAssociation(type, typeId);
    if (!to) throw invalid(`association type id ${typeId} is not valid for ${type}`);
    getObject(ds, to, a.to.id); // 404 before anything is written
    return { to, id: a.to.id };
  });
  requireUniqueValues(ds, type, props);
  const now = nowIso();
  const obj: HubSpotObject = { id: nextObjectId(ds), properties: { ...props, createdate: now, hs_lastmodifieddate: now }, createdAt: now, updatedAt: now, archived: false };
  records(ds, type).push(obj);
  for (const link of links) associate(ds, type, obj.id, link.to, link.id);
  notifyObjectChange(ds, { type, objectId: obj.id, kind: 'creation', properties: props });
  return obj;
}

/** Applies a property update to an object. */
export function updateObject(ds: HubSpotDataset, type: ObjectType, obj: HubSpotObject, rawProps: unknown): HubSpotObject {
  const props = completeCommerceWrite(ds, type, checkWrite(ds, type, rawProps), obj);
  requireUniqueValues(ds, type, props, obj);
  const changed = Object.fromEntries(Object.entries(props).filter(([name, value]) => (obj.properties[name] ?? null) !== value));
  const now = nowIso();
  Object.assign(obj.properties, props, { hs_lastmodifieddate: now });
  obj.updatedAt = now;
  noteWritten(ds, type, obj);
  if (Object.keys(changed).length > 0) notifyObjectChange(ds, { type, objectId: obj.id, kind: 'propertyChange', properties: changed });
  return obj;
}

function limitParam(raw: string | undefined, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw invalid(`limit must be a positive integer, got ${raw}`);
  return Math.min(n, max);
}

/** Routes under /crm/v3/objects/{type}. */
export function objectRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();

  app.get('/:type', (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const limit = limitParam(c.req.query('limit'), 100, 10);
    const after = Number(c.req.query('after') ?? '0');
    if (!Number.isInteger(after) || after < 0) throw invalid(`after must be a paging cursor from a previous page`);
    const archived = c.req.query('archived') === 'true';
    const list = records(ds, type).filter((o) => o.archived === archived).sort((a, b) => Number(a.id) - Number(b.id));
    const page = list.slice(after, after + limit);
    const props = listParam(c.req.queries('properties'));
    const assoc = listParam(c.req.queries('associations'))?.map(resolveType);
    const body: Record<string, unknown> = { results: page.map((o) => present(ds, type, o, props, assoc)) };
    if (after + limit < list.length) {
      const next = String(after + limit);
      const url = new URL(c.req.url);
      url.searchParams.set('after', next);
      body.paging = { next: { after: next, link: url.toString() } };
    }
    return c.json(body);
  });

  app.get('/:type/:id', (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const obj = getObject(ds, type, c.req.param('id'), c.req.query('idProperty'), c.req.query('archived') === 'true');
    return c.json(present(ds, type, obj, listParam(c.req.queries('properties')), listParam(c.req.queries('associations'))?.map(resolveType)));
  });

  app.post('/:type', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const parsed = createSchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalid(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const obj = createObject(ds, type, parsed.data.properties, parsed.data.associations);
    return c.json(present(ds, type, obj, Object.keys(obj.properties)), 201);
  });

  app.patch('/:type/:id', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const idProperty = c.req.query('idProperty');
    if (idProperty !== undefined) requireUniqueIdProperty(ds, type, idProperty);
    const obj = getObject(ds, type, c.req.param('id'), idProperty);
    const body = z.object({ properties: z.unknown() }).safeParse(await readJson(c));
    if (!body.success) throw invalid('Invalid input JSON: expected {"properties":{...}}');
    updateObject(ds, type, obj, body.data.properties);
    // An update answers with the properties it set (and the ones every object returns).
    return c.json(present(ds, type, obj, Object.keys((body.data.properties as object | null) ?? {})));
  });

  app.post('/:type/merge', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const id = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]).transform(String);
    const body = z.object({ primaryObjectId: id, objectIdToMerge: id }).safeParse(await readJson(c));
    if (!body.success) throw invalid(`Invalid input JSON: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { merged } = mergeObjects(ds, type, body.data.primaryObjectId, body.data.objectIdToMerge, nowIso());
    return c.json(present(ds, type, merged));
  });

  app.delete('/:type/:id', (c) => {
    // Archiving an unknown id answers 204 on HubSpot as well.
    archiveObject(c.get('ds'), resolveType(c.req.param('type')), c.req.param('id'), nowIso());
    return c.body(null, 204);
  });

  return app;
}
