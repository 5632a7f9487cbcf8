/**
 * CRM v3 properties and property groups.
 * https://developers.hubspot.com/docs/api/crm/properties
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubSpotProperty } from '../../seed/types.js';
import { HubSpotError, invalid } from '../errors.js';
import { nowIso, readJson, type HubSpotEnv } from '../context.js';
import { addGroup, addProperty, archiveProperty, archivedPropertiesOf, groups, properties, resolveType } from '../store.js';

const optionSchema = z.object({ label: z.string(), value: z.string(), displayOrder: z.number().int().default(0), hidden: z.boolean().default(false), description: z.string().optional() });

const createPropertySchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower case letters, digits and underscores, starting with a letter').max(100),
  label: z.string().min(1),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']),
  fieldType: z.string().min(1),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z.array(optionSchema).optional(),
  hasUniqueValue: z.boolean().optional(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
});

/** What `PATCH /crm/v3/properties/{type}/{name}` may change (the name is the property's key). */
const updatePropertySchema = createPropertySchema.omit({ name: true, hasUniqueValue: true }).partial().strict();

const createGroupSchema = z.object({ name: z.string().regex(/^[a-z][a-z0-9_]*$/).max(100), label: z.string().min(1), displayOrder: z.number().int().default(-1) });

const SEEDED_AT = '2024-01-01T00:00:00.000Z';

/** A stored property as the API returns it, with HubSpot's default flags. */
function presentProperty(p: HubSpotProperty & { hasUniqueValue?: boolean; displayOrder?: number; hidden?: boolean; createdAt?: string; updatedAt?: string; archivedAt?: string }): Record<string, unknown> {
  const hubspotDefined = p.hubspotDefined ?? false;
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    description: p.description ?? '',
    groupName: p.groupName,
    options: p.options ?? [],
    displayOrder: p.displayOrder ?? -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue ?? false,
    hidden: p.hidden ?? false,
    hubspotDefined,
    modificationMetadata: { archivable: !hubspotDefined, readOnlyDefinition: hubspotDefined, readOnlyValue: ['hs_object_id', 'createdate', 'hs_lastmodifieddate'].includes(p.name) },
    formField: true,
    createdAt: p.createdAt ?? SEEDED_AT,
    updatedAt: p.updatedAt ?? p.createdAt ?? SEEDED_AT,
    archived: p.archivedAt !== undefined,
    ...(p.archivedAt ? { archivedAt: p.archivedAt } : {}),
  };
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

/** Routes under /crm/v3/properties. */
export function propertyRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();

  app.get('/:type/groups', (c) => {
    const type = resolveType(c.req.param('type'));
    return c.json({ results: groups(c.get('ds'), type) });
  });

  app.get('/:type/groups/:name', (c) => {
    const type = resolveType(c.req.param('type'));
    const group = groups(c.get('ds'), type).find((g) => g.name === c.req.param('name'));
    if (!group) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property group ${c.req.param('name')} for ${type}`);
    return c.json(group);
  });

  app.post('/:type/groups', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const parsed = createGroupSchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalid(`Invalid property group: ${issues(parsed.error)}`);
    if (groups(ds, type).some((g) => g.name === parsed.data.name)) {
      throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${parsed.data.name}' already exists.`);
    }
    const group = { ...parsed.data, archived: false };
    addGroup(ds, type, group);
    return c.json(group, 201);
  });

  app.get('/:type', (c) => {
    const type = resolveType(c.req.param('type'));
    // archived=true lists the archived ones only, as HubSpot does.
    const list = c.req.query('archived') === 'true' ? archivedPropertiesOf(c.get('ds'), type) : properties(c.get('ds'), type);
    return c.json({ results: list.map(presentProperty) });
  });

  // Archive properties in a batch: 204 whatever each one's state (HubSpot's documented answer).
  app.post('/:type/batch/archive', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const parsed = z.object({ inputs: z.array(z.object({ name: z.string() })).max(100) }).safeParse(await readJson(c));
    if (!parsed.success) throw invalid(`Invalid input: ${issues(parsed.error)}`);
    for (const { name } of parsed.data.inputs) {
      const found = properties(ds, type).find((p) => p.name === name);
      if (found && !found.hubspotDefined) archiveProperty(ds, type, name, nowIso());
    }
    return c.body(null, 204);
  });

  app.get('/:type/:name', (c) => {
    const type = resolveType(c.req.param('type'));
    const found = properties(c.get('ds'), type).find((p) => p.name === c.req.param('name'));
    if (!found) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${c.req.param('name')} for ${type}`);
    return c.json(presentProperty(found));
  });

  app.patch('/:type/:name', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const name = c.req.param('name');
    const found = properties(ds, type).find((p) => p.name === name);
    if (!found) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} for ${type}`);
    const parsed = updatePropertySchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalid(`Invalid property update: ${issues(parsed.error)}`);
    // A HubSpot-defined property has a read-only definition (modificationMetadata.readOnlyDefinition).
    if (found.hubspotDefined) throw invalid(`Property ${name} is a HubSpot-defined property; its definition cannot be changed.`);
    const update = parsed.data;
    if (update.groupName !== undefined && !groups(ds, type).some((g) => g.name === update.groupName)) throw invalid(`Property group ${update.groupName} does not exist.`);
    if ((update.type ?? found.type) === 'enumeration' && !(update.options ?? found.options)?.length) throw invalid('Enumeration properties need at least one option.');
    Object.assign(found, update, { updatedAt: nowIso() });
    return c.json(presentProperty(found));
  });

  app.delete('/:type/:name', (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const name = c.req.param('name');
    const found = properties(ds, type).find((p) => p.name === name);
    if (!found) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} for ${type}`);
    // modificationMetadata.archivable is false for HubSpot's own properties.
    if (found.hubspotDefined) throw invalid(`Property ${name} is a HubSpot-defined property and cannot be archived.`);
    archiveProperty(ds, type, name, nowIso());
    return c.body(null, 204);
  });

  app.post('/:type', async (c) => {
    const type = resolveType(c.req.param('type'));
    const ds = c.get('ds');
    const parsed = createPropertySchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalid(`Invalid property: ${issues(parsed.error)}`);
    const input = parsed.data;
    if (properties(ds, type).some((p) => p.name === input.name)) {
      throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${input.name}' already exists.`);
    }
    if (!groups(ds, type).some((g) => g.name === input.groupName)) throw invalid(`Property group ${input.groupName} does not exist.`);
    if (input.type === 'enumeration' && !input.options?.length) throw invalid('Enumeration properties need at least one option.');
    const stored = { ...input, hubspotDefined: false, createdAt: nowIso() };
    addProperty(ds, type, stored);
    return c.json(presentProperty(stored), 201);
  });

  return app;
}
