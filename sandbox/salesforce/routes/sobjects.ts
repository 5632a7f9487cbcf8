/**
 * sObject basics: describeGlobal, describe, create, retrieve, update, delete, get/upsert by
 * external id (`PATCH /sobjects/{Type}/{ExtIdField}/{value}`: 201 created, 200 updated), and the
 * replication resources `updated` / `deleted` (replication.ts). Sub-resources the emulator does
 * not serve (list views, layouts, quick actions, relationship traversal) answer the plain
 * 404 NOT_FOUND a missing resource gets, never an error about ids or external id fields.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_basic_info.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
 */
import { Hono, type Context } from 'hono';
import { SalesforceError, notFound } from '../errors.js';
import { apiVersion, readJson, sobjectParam, type SalesforceEnv } from '../context.js';
import { describeSObject, globalEntry } from '../describe.js';
import { applyUpdate, checkWrite, deleteRecord, insertRecord, presentRecord } from '../records.js';
import { KEY_PREFIX, SOBJECT_TYPES, findField, isWellFormedId, type FieldDef, type SObjectType } from '../schema.js';
import { deletedRecords, updatedRecords } from './replication.js';
import { allRecords, getRecord, isDeleted } from '../store.js';

function fieldsParam(c: Context<SalesforceEnv>): string[] | undefined {
  const raw = c.req.query('fields');
  return raw ? raw.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
}

function externalIdField(type: SObjectType, name: string): FieldDef {
  // `/sobjects/Account/001.../Contacts` (relationship traversal) is not emulated: plain 404.
  if (isWellFormedId(name) && name.startsWith(KEY_PREFIX[type])) throw notFound();
  const def = findField(type, name);
  if (!def) throw new SalesforceError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
  if (!def.externalId && def.name !== 'Id') throw new SalesforceError(400, 'INVALID_FIELD', `Field ${def.name} is not an external id field on ${type}`, [def.name]);
  return def;
}

/** Routes under /services/data/:version/sobjects. */
export function sobjectRoutes(): Hono<SalesforceEnv> {
  const app = new Hono<SalesforceEnv>();

  app.get('/', (c) => {
    const version = apiVersion(c);
    return c.json({ encoding: 'UTF-8', maxBatchSize: 200, sobjects: SOBJECT_TYPES.map((t) => globalEntry(version, t)) });
  });

  app.get('/:type', (c) => {
    const version = apiVersion(c);
    const type = sobjectParam(c);
    return c.json({ objectDescribe: globalEntry(version, type), recentItems: [] });
  });

  app.get('/:type/describe', (c) => c.json(describeSObject(apiVersion(c), sobjectParam(c))));

  // Documented with a trailing slash (`.../updated/?start=`); jsforce sends none.
  for (const suffix of ['', '/']) {
    app.get(`/:type/updated${suffix}`, updatedRecords);
    app.get(`/:type/deleted${suffix}`, deletedRecords);
  }

  // Not emulated: answered like any resource the org does not have, before the `:id` routes.
  const notEmulated = (c: Context<SalesforceEnv>) => {
    apiVersion(c);
    sobjectParam(c);
    throw notFound();
  };
  for (const sub of ['listviews', 'describe', 'quickActions', 'layouts', 'compactLayouts', 'eventSchema', 'relevantItems']) {
    app.all(`/:type/${sub}/*`, notEmulated);
    if (sub !== 'describe') app.all(`/:type/${sub}`, notEmulated);
  }

  app.post('/:type', async (c) => {
    const version = apiVersion(c);
    const type = sobjectParam(c);
    const ds = c.get('ds');
    const rec = insertRecord(ds, type, checkWrite(ds, type, await readJson(c)));
    c.header('Location', `/services/data/v${version}/sobjects/${type}/${rec.Id}`);
    return c.json({ id: rec.Id, success: true, errors: [] }, 201);
  });

  app.get('/:type/:id', (c) => {
    const version = apiVersion(c);
    const type = sobjectParam(c);
    return c.json(presentRecord(version, type, getRecord(c.get('ds'), type, c.req.param('id')), fieldsParam(c)));
  });

  app.patch('/:type/:id', async (c) => {
    apiVersion(c);
    const type = sobjectParam(c);
    const ds = c.get('ds');
    const rec = getRecord(ds, type, c.req.param('id'));
    applyUpdate(type, rec, checkWrite(ds, type, await readJson(c), rec));
    return c.body(null, 204);
  });

  app.delete('/:type/:id', (c) => {
    apiVersion(c);
    const type = sobjectParam(c);
    deleteRecord(c.get('ds'), type, getRecord(c.get('ds'), type, c.req.param('id')));
    return c.body(null, 204);
  });

  app.get('/:type/:field/:value', (c) => {
    const version = apiVersion(c);
    const type = sobjectParam(c);
    const def = externalIdField(type, c.req.param('field'));
    const matches = allRecords(c.get('ds'), type).filter((r) => !isDeleted(r) && r[def.name] === c.req.param('value'));
    if (matches.length === 0) throw notFound();
    if (matches.length > 1) return c.json(matches.map((r) => `/services/data/v${version}/sobjects/${type}/${r.Id}`), 300);
    return c.json(presentRecord(version, type, matches[0]!, fieldsParam(c)));
  });

  app.patch('/:type/:field/:value', async (c) => {
    const version = apiVersion(c);
    const type = sobjectParam(c);
    const ds = c.get('ds');
    const def = externalIdField(type, c.req.param('field'));
    const value = c.req.param('value');
    const body = await readJson(c);
    const matches = allRecords(ds, type).filter((r) => !isDeleted(r) && r[def.name] === value);
    if (matches.length > 1) return c.json(matches.map((r) => `/services/data/v${version}/sobjects/${type}/${r.Id}`), 300);
    const existing = matches[0];
    if (existing) {
      applyUpdate(type, existing, checkWrite(ds, type, body, existing));
      return c.json({ id: existing.Id, success: true, errors: [], created: false }, 200);
    }
    if (def.name === 'Id') throw notFound();
    const values = checkWrite(ds, type, { ...(body as Record<string, unknown>), [def.name]: value });
    const rec = insertRecord(ds, type, values);
    c.header('Location', `/services/data/v${version}/sobjects/${type}/${rec.Id}`);
    return c.json({ id: rec.Id, success: true, errors: [], created: true }, 201);
  });

  return app;
}
