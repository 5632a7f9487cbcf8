/**
 * CRM search: `POST /crm/v3/objects/{type}/search` with filterGroups, sorts, query, paging;
 * 200 per page and no paging past 10,000 results.
 * https://developers.hubspot.com/docs/api/crm/search
 */
import { Hono } from 'hono';
import { invalid } from '../errors.js';
import { readJson, type HubSpotEnv } from '../context.js';
import { present } from '../shape.js';
import { matchesFilterGroups, matchesQuery, searchRequestSchema, sortComparator } from '../search-filter.js';
import { properties, records, resolveType, type ObjectType } from '../store.js';

/** HubSpot refuses to page past this many results. */
const RESULT_CAP = 10_000;

/** Properties the free-text `query` looks in, per type. */
const SEARCHABLE: Record<ObjectType, string[]> = {
  companies: ['name', 'domain', 'website', 'phone'],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'company'],
  deals: ['dealname'],
  tasks: ['hs_task_subject', 'hs_task_body'],
  notes: ['hs_note_body'],
  products: ['name', 'description', 'hs_sku'],
  line_items: ['name', 'hs_sku'],
};

/** Routes under /crm/v3/objects/{type}/search. */
export function searchRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  app.post('/:type/search', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const parsed = searchRequestSchema.safeParse(await readJson(c));
    if (!parsed.success) {
      throw invalid(`Invalid search request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const req = parsed.data;
    const filterCount = req.filterGroups.reduce((n, g) => n + g.filters.length, 0);
    if (filterCount > 18) throw invalid(`Too many filters: ${filterCount} were sent, the maximum is 18.`);
    const defs = new Map(properties(ds, type).map((p) => [p.name, p]));
    for (const g of req.filterGroups) {
      for (const f of g.filters) {
        if (!defs.has(f.propertyName)) throw invalid(`There was a problem with the request: property ${f.propertyName} does not exist on ${type}`);
        if (f.operator === 'BETWEEN' && (f.value === undefined || f.highValue === undefined)) throw invalid(`BETWEEN on ${f.propertyName} needs value and highValue`);
        if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !f.values?.length) throw invalid(`${f.operator} on ${f.propertyName} needs a non-empty values array`);
      }
    }
    const typeOf = (name: string) => defs.get(name)?.type;
    const withSystem = (o: { id: string; createdAt: string; updatedAt: string; properties: Record<string, string | null> }) => ({
      ...o.properties,
      hs_object_id: o.id,
      createdate: o.properties.createdate ?? o.createdAt,
      hs_lastmodifieddate: o.properties.hs_lastmodifieddate ?? o.updatedAt,
    });
    const hits = records(ds, type)
      .filter((o) => !o.archived)
      .map((o) => ({ obj: o, props: withSystem(o) }))
      .filter(({ props }) => matchesFilterGroups(props, req.filterGroups, typeOf) && (!req.query || matchesQuery(props, req.query, SEARCHABLE[type])));
    const cmp = sortComparator(req.sorts, typeOf);
    hits.sort((a, b) => cmp({ id: a.obj.id, properties: a.props }, { id: b.obj.id, properties: b.props }));
    const after = Number(req.after ?? '0');
    if (!Number.isInteger(after) || after < 0) throw invalid('after must be a paging cursor from a previous page');
    if (after >= RESULT_CAP) throw invalid(`Paging past ${RESULT_CAP} results is not supported; narrow the filters.`);
    const end = Math.min(after + req.limit, hits.length, RESULT_CAP);
    const body: Record<string, unknown> = {
      total: hits.length,
      results: hits.slice(after, end).map(({ obj }) => present(ds, type, obj, req.properties)),
    };
    if (end < Math.min(hits.length, RESULT_CAP)) body.paging = { next: { after: String(end) } };
    return c.json(body);
  });
  return app;
}
