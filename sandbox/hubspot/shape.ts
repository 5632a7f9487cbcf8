/**
 * Turning stored records into HubSpot's `SimplePublicObject` answers, and checking property
 * writes the way HubSpot does (unknown, read-only or invalid values are a VALIDATION_ERROR).
 * https://developers.hubspot.com/docs/api/crm/properties
 */
import { z } from 'zod';
import type { HubSpotDataset, HubSpotObject } from '../seed/types.js';
import { checkCommerceWrite } from './commerce.js';
import { invalid, type HubSpotErrorDetail } from './errors.js';
import { DEFAULT_PROPERTIES, LIST_DEFAULTS, READ_ONLY_PROPERTIES, SINGULAR, associatedIds, properties, type ObjectType } from './store.js';

/** Property values a client may send; HubSpot stores them as strings. */
export const propertyValuesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** Reads `properties` from a query string: repeated params and comma lists both work. */
export function listParam(values: string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  const out = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return out.length ? out : undefined;
}

function systemValue(obj: HubSpotObject, name: string): string | null | undefined {
  if (name === 'hs_object_id') return obj.id;
  if (name === 'createdate') return obj.properties.createdate ?? obj.createdAt;
  if (name === 'hs_lastmodifieddate') return obj.properties.hs_lastmodifieddate ?? obj.updatedAt;
  return undefined;
}

/** The object as HubSpot returns it: requested properties (or the type's defaults) plus system ones. */
export function present(
  ds: HubSpotDataset,
  type: ObjectType,
  obj: HubSpotObject,
  requested?: string[],
  associations?: ObjectType[],
): Record<string, unknown> {
  const names = [...new Set([...(requested ?? LIST_DEFAULTS[type]), ...DEFAULT_PROPERTIES])];
  const props: Record<string, string | null> = {};
  for (const name of names) {
    const sys = systemValue(obj, name);
    if (sys !== undefined) props[name] = sys;
    // Requested (or default) but unset properties come back as null; unknown names are silently dropped.
    else if (name in obj.properties) props[name] = obj.properties[name] ?? null;
    else if (properties(ds, type).some((p) => p.name === name)) props[name] = null;
  }
  const out: Record<string, unknown> = { id: obj.id, properties: props, createdAt: obj.createdAt, updatedAt: obj.updatedAt, archived: obj.archived };
  // HubSpot names when an archived record was archived (archiving is its last update here).
  if (obj.archived) out.archivedAt = obj.updatedAt;
  if (associations?.length) {
    const assoc: Record<string, unknown> = {};
    for (const to of associations) {
      const ids = associatedIds(ds, type, obj.id, to);
      if (ids.length) assoc[to] = { results: ids.map((id) => ({ id, type: `${SINGULAR[type]}_to_${SINGULAR[to]}` })) };
    }
    if (Object.keys(assoc).length) out.associations = assoc;
  }
  return out;
}

const READ_ONLY = READ_ONLY_PROPERTIES;

/**
 * Checks a property write against the type's definitions and returns the string values to store.
 * Throws HubSpot's 400 `Property values were not valid` listing every bad property.
 */
export function checkWrite(ds: HubSpotDataset, type: ObjectType, input: unknown): Record<string, string | null> {
  const parsed = propertyValuesSchema.safeParse(input ?? {});
  if (!parsed.success) throw invalid('Invalid input JSON on line 1: properties must be an object of scalar values');
  const defs = new Map(properties(ds, type).map((p) => [p.name, p]));
  const problems: { name: string; error: string; message: string }[] = [];
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(parsed.data)) {
    const def = defs.get(name);
    const str = value === null ? null : String(value);
    if (!def) problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    else if (READ_ONLY.has(name)) problems.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
    else if (str !== null && str !== '' && def.type === 'number' && !Number.isFinite(Number(str)))
      problems.push({ name, error: 'INVALID_DECIMAL', message: `${str} was not a valid number.` });
    else if (str !== null && str !== '' && def.type === 'enumeration' && def.options?.length && !def.options.some((o) => o.value === str))
      problems.push({ name, error: 'INVALID_OPTION', message: `${str} was not one of the allowed options: ${def.options.map((o) => o.value).join(', ')}` });
    else out[name] = str;
  }
  if (problems.length) {
    const summary = JSON.stringify(problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name })));
    const errors: HubSpotErrorDetail[] = problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } }));
    throw invalid(`Property values were not valid: ${summary}`, errors);
  }
  checkCommerceWrite(ds, type, out);
  return out;
}
