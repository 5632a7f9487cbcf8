/**
 * The portal's CRM records as the emulator sees them: the seeded companies/contacts/deals of
 * `HubSpotDataset`, plus engagements (tasks, notes), custom properties, property groups and
 * non-seeded associations kept beside the dataset (a WeakMap, so a reseed drops them too).
 */
import type { HubSpotDataset, HubSpotObject, HubSpotProperty } from '../seed/types.js';
import { HubSpotError, invalid, notFound } from './errors.js';
import { lineItemProperties, productProperties } from '../seed/catalog.js';
import { AppendIndex } from '../core/append-index.js';

/** Products and line items: their property lists live on the dataset (seeded by sandbox/seed/catalog.ts). */
function commerceType(type: ObjectType): type is 'products' | 'line_items' {
  return type === 'products' || type === 'line_items';
}
function commerceProperties(type: 'products' | 'line_items'): HubSpotProperty[] {
  return type === 'products' ? productProperties() : lineItemProperties();
}

/** Object types the emulator serves. */
export type ObjectType = 'companies' | 'contacts' | 'deals' | 'tasks' | 'notes' | 'products' | 'line_items';

/** HubSpot object type ids and singular names, accepted wherever a type appears in a path.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm#object-type-ids */
const TYPE_ALIASES: Record<string, ObjectType> = {
  companies: 'companies', company: 'companies', '0-2': 'companies',
  contacts: 'contacts', contact: 'contacts', '0-1': 'contacts',
  deals: 'deals', deal: 'deals', '0-3': 'deals',
  tasks: 'tasks', task: 'tasks', '0-27': 'tasks',
  notes: 'notes', note: 'notes', '0-46': 'notes',
  products: 'products', product: 'products', '0-7': 'products',
  line_items: 'line_items', line_item: 'line_items', lineitems: 'line_items', '0-8': 'line_items',
};

/** HubSpot's object type ids, which v4 answers use (`fromObjectTypeId: "0-2"`).
 * https://developers.hubspot.com/docs/guides/api/crm/understanding-the-crm#object-type-ids */
export const OBJECT_TYPE_IDS: Record<ObjectType, string> = { contacts: '0-1', companies: '0-2', deals: '0-3', tasks: '0-27', notes: '0-46', products: '0-7', line_items: '0-8' };

/** Singular name used in association type labels (`contact_to_company`). */
export const SINGULAR: Record<ObjectType, string> = {
  companies: 'company', contacts: 'contact', deals: 'deal', tasks: 'task', notes: 'note', products: 'product', line_items: 'line_item',
};

/** Maps a path segment to an object type, or throws HubSpot's 400 for an unknown one. */
export function resolveType(raw: string): ObjectType {
  const type = TYPE_ALIASES[raw.toLowerCase()];
  if (!type) throw invalid(`Unable to infer object type from: ${raw}`);
  return type;
}

/** Properties every object returns whether asked for or not. */
export const DEFAULT_PROPERTIES = ['hs_object_id', 'createdate', 'hs_lastmodifieddate'];

/** Properties a create must set: engagements need their timestamp.
 * https://developers.hubspot.com/docs/api/crm/tasks */
export const REQUIRED_ON_CREATE: Partial<Record<ObjectType, string[]>> = { tasks: ['hs_timestamp'], notes: ['hs_timestamp'] };

/** Properties HubSpot returns when the caller names none (per object type). */
export const LIST_DEFAULTS: Record<ObjectType, string[]> = {
  companies: ['name', 'domain'],
  contacts: ['firstname', 'lastname', 'email'],
  deals: ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate'],
  tasks: ['hs_task_subject', 'hs_task_status', 'hs_timestamp'],
  notes: ['hs_note_body', 'hs_timestamp'],
  products: ['name', 'description', 'price'],
  line_items: ['name', 'quantity', 'price', 'amount'],
};

function prop(name: string, label: string, type: HubSpotProperty['type'], groupName: string): HubSpotProperty {
  const fieldType = type === 'number' ? 'number' : type === 'enumeration' ? 'select' : type === 'bool' ? 'booleancheckbox' : type === 'date' || type === 'datetime' ? 'date' : 'text';
  return { name, label, type, fieldType, groupName, hubspotDefined: true };
}

function withOptions(p: HubSpotProperty, values: string[]): HubSpotProperty {
  return { ...p, options: values.map((value, i) => ({ label: value.replace(/_/g, ' ').toLowerCase(), value, displayOrder: i, hidden: false })) };
}

/** Read-only system properties present on every object type. */
const SYSTEM_PROPERTIES = (group: string): HubSpotProperty[] => [
  prop('hs_object_id', 'Record ID', 'number', group),
  prop('createdate', 'Create Date', 'datetime', group),
  prop('hs_lastmodifieddate', 'Last Modified Date', 'datetime', group),
  prop('hubspot_owner_id', 'Owner', 'enumeration', group),
  // Read-only: the ids merged into the record (https://knowledge.hubspot.com/records/merge-records).
  prop('hs_merged_object_ids', 'Merged Record IDs', 'enumeration', group),
];

/** System properties a write may not set. */
export const READ_ONLY_PROPERTIES: ReadonlySet<string> = new Set([...DEFAULT_PROPERTIES, 'hs_merged_object_ids']);

/** Engagement properties (tasks and notes are not seeded). */
const ENGAGEMENT_PROPERTIES: Record<'tasks' | 'notes', HubSpotProperty[]> = {
  tasks: [
    prop('hs_task_subject', 'Task Title', 'string', 'task'),
    prop('hs_task_body', 'Task notes', 'string', 'task'),
    withOptions(prop('hs_task_status', 'Task Status', 'enumeration', 'task'), ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']),
    withOptions(prop('hs_task_priority', 'Priority', 'enumeration', 'task'), ['NONE', 'LOW', 'MEDIUM', 'HIGH']),
    prop('hs_task_type', 'Task Type', 'enumeration', 'task'),
    prop('hs_timestamp', 'Due date', 'datetime', 'task'),
  ],
  notes: [prop('hs_note_body', 'Note body', 'string', 'note'), prop('hs_timestamp', 'Activity date', 'datetime', 'note')],
};

/** A property group (`GET /crm/v3/properties/{type}/groups`). */
export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** An association the seed does not hold (anything but contact->company and deal->company). */
interface ExtraAssociation {
  fromType: ObjectType;
  fromId: string;
  toType: ObjectType;
  toId: string;
}

interface Extras {
  tasks: HubSpotObject[];
  notes: HubSpotObject[];
  engagementProperties: Record<'tasks' | 'notes', HubSpotProperty[]>;
  groups: Partial<Record<ObjectType, PropertyGroup[]>>;
  associations: ExtraAssociation[];
  nextId: number;
  /** A merged record's former id -> the record the merge made (`${type}:${id}` keys). */
  mergedInto: Map<string, string>;
}

const extrasByDataset = new WeakMap<HubSpotDataset, Extras>();

function extras(ds: HubSpotDataset): Extras {
  let ex = extrasByDataset.get(ds);
  if (!ex) {
    // A loop, not Math.max(...ids): a scale-100 estate has more ids than a call takes arguments.
    let maxId = 1_000_000;
    for (const list of [ds.companies, ds.contacts, ds.deals, ds.products ?? [], ds.line_items ?? []]) {
      for (const o of list) {
        const n = Number(o.id);
        if (Number.isFinite(n) && n > maxId) maxId = n;
      }
    }
    ex = {
      tasks: [],
      notes: [],
      engagementProperties: { tasks: [...ENGAGEMENT_PROPERTIES.tasks], notes: [...ENGAGEMENT_PROPERTIES.notes] },
      groups: {},
      associations: [],
      nextId: maxId + 1,
      mergedInto: new Map(),
    };
    extrasByDataset.set(ds, ex);
  }
  return ex;
}

/** All records of a type, archived included (callers filter). */
export function records(ds: HubSpotDataset, type: ObjectType): HubSpotObject[] {
  if (type === 'tasks' || type === 'notes') return extras(ds)[type];
  if (type === 'products' || type === 'line_items') return (ds[type] ??= []);
  return ds[type];
}

/** The definitions a type keeps itself (seeded, engagement or commerce ones, and created ones); not the system ones. */
function ownProperties(ds: HubSpotDataset, type: ObjectType): HubSpotProperty[] {
  return type === 'tasks' || type === 'notes' ? extras(ds).engagementProperties[type] : commerceType(type) ? (ds.properties[type] ??= commerceProperties(type)) : ds.properties[type];
}

/** Property definitions of a type: seeded ones, engagement ones and the system ones. */
export function properties(ds: HubSpotDataset, type: ObjectType): HubSpotProperty[] {
  const own = ownProperties(ds, type);
  const names = new Set(own.map((p) => p.name));
  // Only records HubSpot merges carry the merged ids.
  const system = SYSTEM_PROPERTIES(type === 'tasks' || type === 'notes' ? SINGULAR[type] : `${SINGULAR[type]}information`).filter((p) => p.name !== 'hs_merged_object_ids' || MERGEABLE.has(type));
  return [...own, ...system.filter((p) => !names.has(p.name))];
}

/** Adds a custom property definition (the caller checked it is new). */
export function addProperty(ds: HubSpotDataset, type: ObjectType, property: HubSpotProperty): void {
  ownProperties(ds, type).push(property);
}

/** Custom properties archived (moved to HubSpot's recycling bin), per type. */
const archivedProperties = new WeakMap<HubSpotDataset, Map<ObjectType, (HubSpotProperty & { archivedAt: string })[]>>();

/** The archived custom properties of a type (`GET /crm/v3/properties/{type}?archived=true`). */
export function archivedPropertiesOf(ds: HubSpotDataset, type: ObjectType): (HubSpotProperty & { archivedAt: string })[] {
  return archivedProperties.get(ds)?.get(type) ?? [];
}

/**
 * Archives a custom property: it leaves the type's definitions (writes naming it are refused as
 * for any unknown property) and is listed with `archived=true`. Answers the property, or
 * undefined when the type has no live property of that name.
 */
export function archiveProperty(ds: HubSpotDataset, type: ObjectType, name: string, at: string): HubSpotProperty | undefined {
  const own = ownProperties(ds, type);
  const i = own.findIndex((p) => p.name === name);
  if (i < 0) return undefined;
  const [gone] = own.splice(i, 1);
  let byType = archivedProperties.get(ds);
  if (!byType) archivedProperties.set(ds, (byType = new Map()));
  byType.set(type, [...(byType.get(type) ?? []), { ...gone!, archivedAt: at }]);
  return gone;
}

/** Property groups of a type: the ones implied by existing properties plus created ones. */
export function groups(ds: HubSpotDataset, type: ObjectType): PropertyGroup[] {
  const ex = extras(ds);
  const created = ex.groups[type] ?? [];
  const implied = [...new Set(properties(ds, type).map((p) => p.groupName))]
    .filter((name) => !created.some((g) => g.name === name))
    .map((name, i) => ({ name, label: name.replace(/_/g, ' ').replace(/^\w/, (ch) => ch.toUpperCase()), displayOrder: i, archived: false }));
  return [...implied, ...created];
}

/** Adds a property group. */
export function addGroup(ds: HubSpotDataset, type: ObjectType, group: PropertyGroup): void {
  const ex = extras(ds);
  (ex.groups[type] ??= []).push(group);
}

/** Next numeric object id, unique across the portal. */
export function nextObjectId(ds: HubSpotDataset): string {
  const ex = extras(ds);
  return String(ex.nextId++);
}

/**
 * Whether records of `type` can be addressed by `name` in updates and upserts: a unique-value
 * property (`hasUniqueValue`), or a contact's email, which HubSpot keeps unique itself.
 * `hs_object_id` is not one: HubSpot refuses it as an `idProperty` (ids go in `id` alone).
 */
export function isUniqueProperty(ds: HubSpotDataset, type: ObjectType, name: string): boolean {
  if (type === 'contacts' && name === 'email') return true;
  return properties(ds, type).some((p) => p.name === name && p.hasUniqueValue === true);
}

/**
 * HubSpot's refusal of an update or upsert keyed on a property that is not unique-valued:
 * 400 VALIDATION_ERROR "Unable to perform update/upsert by non-unique 0-2 property domain in
 * portal ID 123" (message as HubSpot words it; reported for `domain`, `name`, `dealname` and
 * `hs_object_id`, e.g. segmentio/action-destinations#3957).
 */
export function requireUniqueIdProperty(ds: HubSpotDataset, type: ObjectType, idProperty: string): void {
  if (!isUniqueProperty(ds, type, idProperty)) {
    throw invalid(`Unable to perform update/upsert by non-unique ${OBJECT_TYPE_IDS[type]} property ${idProperty} in portal ID ${ds.portalId}`);
  }
}

/**
 * Unique-value properties keep one record per value: a write giving another live record's value
 * is refused with 409 CONFLICT, as HubSpot answers a second contact with an existing email
 * ("Contact already exists. Existing ID: 123"). Seeded duplicates are left as they are. The
 * holder is found through the type's index of values ({@link valuesOf}), not a scan of every
 * record per input (at scale 100 the scans were most of the sandbox's time in a backfill).
 */
export function requireUniqueValues(ds: HubSpotDataset, type: ObjectType, props: Record<string, string | null>, self?: HubSpotObject): void {
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === '' || !isUniqueProperty(ds, type, name)) continue;
    const clash = holderOf(records(ds, type), name, value, self);
    if (!clash) continue;
    const what = type === 'contacts' && name === 'email' ? 'Contact already exists.' : `A ${SINGULAR[type]} with ${name} ${value} already exists.`;
    throw new HubSpotError(409, 'CONFLICT', `${what} Existing ID: ${clash.id}`);
  }
}

/**
 * Records of a type by the lower-cased value of a property, per records array and property
 * (../core/append-index.ts), built on first use; a record whose value a write changed is added
 * under its new value by {@link noteWritten} (every property write goes through `updateObject`).
 * An entry may be stale (the record's value changed since, or it was archived), so every entry is
 * checked against the record when read.
 */
const valueIndexes = new Map<string, AppendIndex<HubSpotObject>>();

function valuesOf(list: HubSpotObject[], name: string): Map<string, HubSpotObject[]> {
  let index = valueIndexes.get(name);
  if (!index) valueIndexes.set(name, (index = new AppendIndex((o) => o.properties[name]?.toLowerCase())));
  return index.of(list);
}

/** The first live record of `list` other than `self` whose `name` is `value` (any case). */
function holderOf(list: HubSpotObject[], name: string, value: string, self?: HubSpotObject): HubSpotObject | undefined {
  const wanted = value.toLowerCase();
  return valuesOf(list, name)
    .get(wanted)
    ?.find((o) => o !== self && !o.archived && o.properties[name]?.toLowerCase() === wanted);
}

/** `obj` of `type` was just updated: its current values are found by later look-ups of every indexed property. */
export function noteWritten(ds: HubSpotDataset, type: ObjectType, obj: HubSpotObject): void {
  const list = records(ds, type);
  for (const [name, index] of valueIndexes) {
    const v = obj.properties[name];
    if (v) index.add(list, v.toLowerCase(), obj);
  }
}


/** Records of a type by id, per records array (ids never change). */
const idIndex = new AppendIndex<HubSpotObject>((o) => o.id);

/**
 * Finds a live record by id (or by a unique property when `idProperty` is given). A merged
 * record's former id finds the record the merge made, as HubSpot answers it: "both of the
 * previous IDs will point to the resulting merged record, so fetching any records using the
 * original IDs will return the new merged record with the new ID"
 * (https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies).
 */
export function findObject(ds: HubSpotDataset, type: ObjectType, id: string, idProperty?: string): HubSpotObject | undefined {
  const list = records(ds, type);
  if (idProperty && idProperty !== 'hs_object_id') {
    return valuesOf(list, idProperty)
      .get(id.toLowerCase())
      ?.find((o) => !o.archived && o.properties[idProperty] === id);
  }
  const merged = extras(ds).mergedInto;
  let current = id;
  for (let hops = 0; merged.has(`${type}:${current}`) && hops < 100; hops++) current = merged.get(`${type}:${current}`)!;
  return idIndex
    .of(list)
    .get(current)
    ?.find((o) => !o.archived && o.id === current);
}

/** An archived object by id or unique property (the newest archived holder of the value), through the same indexes. */
function findArchived(ds: HubSpotDataset, type: ObjectType, id: string, idProperty?: string): HubSpotObject | undefined {
  const list = records(ds, type);
  const byProperty = idProperty !== undefined && idProperty !== 'hs_object_id';
  const held = byProperty ? valuesOf(list, idProperty).get(id.toLowerCase()) : idIndex.of(list).get(id);
  for (let i = (held?.length ?? 0) - 1; i >= 0; i--) {
    const o = held![i]!;
    if (o.archived && (byProperty ? o.properties[idProperty] === id : o.id === id)) return o;
  }
  return undefined;
}

/**
 * Like findObject, but throws HubSpot's 404. `archived: true` (`?archived=true` on a read, as the
 * official client's `getById(..., archived)` sends it) finds only archived objects, as HubSpot
 * does; otherwise archived ones are not found.
 */
export function getObject(ds: HubSpotDataset, type: ObjectType, id: string, idProperty?: string, archived = false): HubSpotObject {
  const found = archived ? findArchived(ds, type, id, idProperty) : findObject(ds, type, id, idProperty);
  if (!found) throw notFound(type, id);
  return found;
}

// ------------------------------------------------------------------------------ associations

/** HubSpot-defined association type ids for the default (unlabelled) association.
 * https://developers.hubspot.com/docs/api/crm/associations/v4#association-type-id-values */
const TYPE_IDS: Record<string, number> = {
  'contacts>companies': 279, 'companies>contacts': 280,
  'deals>companies': 341, 'companies>deals': 342,
  'contacts>deals': 4, 'deals>contacts': 3,
  'tasks>companies': 192, 'companies>tasks': 191,
  'tasks>contacts': 204, 'contacts>tasks': 203,
  'tasks>deals': 216, 'deals>tasks': 215,
  'notes>companies': 190, 'companies>notes': 189,
  'notes>contacts': 202, 'contacts>notes': 201,
  'notes>deals': 214, 'deals>notes': 213,
  'deals>line_items': 19, 'line_items>deals': 20,
};

/** HubSpot-defined "Primary" association type ids (a contact's and a deal's primary company). */
const PRIMARY_TYPE_IDS: Record<string, number> = { 'contacts>companies': 1, 'companies>contacts': 2, 'deals>companies': 5, 'companies>deals': 6 };

/** The "Primary" association type id from one type to another, if the pair has one. */
export function primaryTypeId(from: ObjectType, to: ObjectType): number | undefined {
  return PRIMARY_TYPE_IDS[`${from}>${to}`];
}

/**
 * The HUBSPOT_DEFINED association types between two associated records, as v4 lists them: the
 * default (unlabelled) type, plus the primary one when the company is the contact's or the
 * deal's primary company (its first, as HubSpot makes the first association primary), labelled
 * "Contact with Primary Company" / "Deal with Primary Company" since HubSpot's 2024-02-19 label
 * change (only type ids are stable).
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide
 * https://developers.hubspot.com/changelog/changes-to-primary-labels-for-hubspot-defined-association-labels
 */
export function associationTypes(ds: HubSpotDataset, from: ObjectType, fromId: string, to: ObjectType, toId: string): { category: string; typeId: number; label: string | null }[] {
  const typeId = associationTypeId(from, to);
  if (typeId === undefined) return [];
  const primaryId = PRIMARY_TYPE_IDS[`${from}>${to}`];
  const [owner, ownerType, company] = to === 'companies' ? [fromId, from, toId] : [toId, to, fromId];
  const primary = primaryId !== undefined && associatedIds(ds, ownerType, owner, 'companies')[0] === company;
  const label = `${ownerType === 'deals' ? 'Deal' : 'Contact'} with Primary Company`;
  return [...(primary ? [{ category: 'HUBSPOT_DEFINED', typeId: primaryId, label }] : []), { category: 'HUBSPOT_DEFINED', typeId, label: null }];
}

/** The default association type id from one type to another, or undefined if unsupported. */
export function associationTypeId(from: ObjectType, to: ObjectType): number | undefined {
  return TYPE_IDS[`${from}>${to}`];
}

function seededPairs(ds: HubSpotDataset, a: ObjectType, b: ObjectType): { pairs: [string, string][]; flipped: boolean } | null {
  if (a === 'contacts' && b === 'companies') return { pairs: ds.associations.contactToCompany, flipped: false };
  if (a === 'companies' && b === 'contacts') return { pairs: ds.associations.contactToCompany, flipped: true };
  if (a === 'deals' && b === 'companies') return { pairs: ds.associations.dealToCompany, flipped: false };
  if (a === 'companies' && b === 'deals') return { pairs: ds.associations.dealToCompany, flipped: true };
  if (a === 'line_items' && b === 'deals') return { pairs: (ds.associations.lineItemToDeal ??= []), flipped: false };
  if (a === 'deals' && b === 'line_items') return { pairs: (ds.associations.lineItemToDeal ??= []), flipped: true };
  return null;
}

/** Ids of `to` records associated with (`from`, `fromId`), in insertion order, no duplicates. */
export function associatedIds(ds: HubSpotDataset, from: ObjectType, fromId: string, to: ObjectType): string[] {
  const out = new Set<string>();
  const seeded = seededPairs(ds, from, to);
  if (seeded) {
    for (const [x, y] of seeded.pairs) {
      if (!seeded.flipped && x === fromId) out.add(y);
      if (seeded.flipped && y === fromId) out.add(x);
    }
  }
  for (const a of extras(ds).associations) {
    if (a.fromType === from && a.fromId === fromId && a.toType === to) out.add(a.toId);
    if (a.toType === from && a.toId === fromId && a.fromType === to) out.add(a.fromId);
  }
  const live = new Set(records(ds, to).filter((o) => !o.archived).map((o) => o.id));
  return [...out].filter((id) => live.has(id));
}

/** Creates the default association between two existing records (idempotent). */
export function associate(ds: HubSpotDataset, from: ObjectType, fromId: string, to: ObjectType, toId: string): void {
  if (associationTypeId(from, to) === undefined) throw invalid(`Associations from ${from} to ${to} are not supported.`);
  getObject(ds, from, fromId);
  getObject(ds, to, toId);
  if (associatedIds(ds, from, fromId, to).includes(toId)) return;
  const seeded = seededPairs(ds, from, to);
  if (seeded) seeded.pairs.push(seeded.flipped ? [toId, fromId] : [fromId, toId]);
  else extras(ds).associations.push({ fromType: from, fromId, toType: to, toId });
}

/** Finds the target type of an association given by type id from `from` (v3/v4 create bodies).
 * Also accepts the legacy primary ids 1 (contact->company) and 5 (deal->company). */
export function targetTypeForAssociation(from: ObjectType, typeId: number): ObjectType | undefined {
  if (from === 'contacts' && typeId === 1) return 'companies';
  if (from === 'deals' && typeId === 5) return 'companies';
  for (const [key, id] of Object.entries(TYPE_IDS)) {
    const [f, t] = key.split('>') as [ObjectType, ObjectType];
    if (f === from && id === typeId) return t;
  }
  return undefined;
}

/** Removes every association between two records (either direction). */
export function dissociate(ds: HubSpotDataset, from: ObjectType, fromId: string, to: ObjectType, toId: string): void {
  const seeded = seededPairs(ds, from, to);
  if (seeded) {
    const [a, b] = seeded.flipped ? [toId, fromId] : [fromId, toId];
    const kept = seeded.pairs.filter(([x, y]) => !(x === a && y === b));
    seeded.pairs.splice(0, seeded.pairs.length, ...kept);
  }
  const ex = extras(ds);
  ex.associations = ex.associations.filter(
    (x) => !((x.fromType === from && x.fromId === fromId && x.toType === to && x.toId === toId) || (x.fromType === to && x.fromId === toId && x.toType === from && x.toId === fromId)),
  );
}

/** Rewrites every association of (`type`, `from`) to (`type`, `to`), keeping its place in order. */
function moveAssociations(ds: HubSpotDataset, type: ObjectType, from: string, to: string): void {
  const seeded: [ObjectType, ObjectType, [string, string][]][] = [
    ['contacts', 'companies', ds.associations.contactToCompany],
    ['deals', 'companies', ds.associations.dealToCompany],
    ['line_items', 'deals', (ds.associations.lineItemToDeal ??= [])],
  ];
  for (const [a, b, pairs] of seeded) {
    for (const pair of pairs) {
      if (a === type && pair[0] === from) pair[0] = to;
      if (b === type && pair[1] === from) pair[1] = to;
    }
  }
  for (const x of extras(ds).associations) {
    if (x.fromType === type && x.fromId === from) x.fromId = to;
    if (x.toType === type && x.toId === from) x.toId = to;
  }
}

/** Object types HubSpot merges (and sends `merge` webhooks for) that the emulator serves. */
export const MERGEABLE: ReadonlySet<ObjectType> = new Set(['companies', 'contacts', 'deals']);

/**
 * Merges `objectIdToMerge` into `primaryObjectId` as HubSpot does since its merge change for
 * contacts and companies (https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies):
 * a new record with a new id is made; its values are the primary's, with the other record's
 * values where the primary has none; both records' associations move to it (the primary's
 * first); `hs_merged_object_ids` lists every id merged into it (`;`-separated, as HubSpot's
 * multi-value properties); both former records leave lists and search, and their ids read as the
 * new record. Answers the new record and how many property values came from the merged one.
 */
export function mergeObjects(ds: HubSpotDataset, type: ObjectType, primaryId: string, mergeId: string, at: string): { merged: HubSpotObject; numberOfPropertiesMoved: number } {
  if (!MERGEABLE.has(type)) throw invalid(`Merging ${type} is not supported.`);
  if (primaryId === mergeId) throw invalid(`Cannot merge a ${SINGULAR[type]} with itself: ${primaryId}`);
  const primary = getObject(ds, type, primaryId);
  const other = getObject(ds, type, mergeId);
  if (primary === other) throw invalid(`${SINGULAR[type]} ${mergeId} was already merged into ${primary.id}`);
  const props: Record<string, string | null> = { ...primary.properties };
  let moved = 0;
  for (const [name, value] of Object.entries(other.properties)) {
    if (value === null || value === '' || DEFAULT_PROPERTIES.includes(name) || name === 'hs_merged_object_ids') continue;
    if (props[name] === undefined || props[name] === null || props[name] === '') {
      props[name] = value;
      moved += 1;
    }
  }
  const previous = [primary, other].flatMap((o) => (o.properties.hs_merged_object_ids ?? '').split(';').filter(Boolean));
  props.hs_merged_object_ids = [...new Set([...previous, primary.id, other.id])].join(';');
  props.createdate = primary.properties.createdate ?? primary.createdAt;
  props.hs_lastmodifieddate = at;
  const merged: HubSpotObject = { id: nextObjectId(ds), properties: props, createdAt: primary.createdAt, updatedAt: at, archived: false };
  records(ds, type).push(merged);
  const ex = extras(ds);
  // The primary's associations first, so its primary company stays the primary one.
  for (const old of [primary, other]) {
    moveAssociations(ds, type, old.id, merged.id);
    old.archived = true;
    old.updatedAt = at;
    ex.mergedInto.set(`${type}:${old.id}`, merged.id);
  }
  notifyObjectChange(ds, { type, objectId: merged.id, kind: 'merge', properties: {}, merge: { primaryObjectId: primary.id, mergedObjectIds: [other.id], newObjectId: merged.id, numberOfPropertiesMoved: moved } });
  return { merged, numberOfPropertiesMoved: moved };
}

/** Archives a live record by its own id (a merged former id is not archived); answers whether one was. */
export function archiveObject(ds: HubSpotDataset, type: ObjectType, id: string, at: string): boolean {
  const obj = records(ds, type).find((o) => o.id === id && !o.archived);
  if (!obj) return false;
  obj.archived = true;
  obj.updatedAt = at;
  notifyObjectChange(ds, { type, objectId: obj.id, kind: 'deletion', properties: {} });
  return true;
}

/** Restores an archived record (not one archived by a merge), as a user does from the deleted records list. */
export function restoreObject(ds: HubSpotDataset, type: ObjectType, id: string, at: string): HubSpotObject {
  const obj = records(ds, type).find((o) => o.id === id && o.archived && !extras(ds).mergedInto.has(`${type}:${o.id}`));
  if (!obj) throw notFound(type, id);
  requireUniqueValues(ds, type, obj.properties, obj);
  obj.archived = false;
  obj.updatedAt = at;
  notifyObjectChange(ds, { type, objectId: obj.id, kind: 'restore', properties: {} });
  return obj;
}

// ------------------------------------------------------------------------------ change hook

/** What a merge did, as HubSpot's merge webhook reports it. */
export interface MergeDetails {
  primaryObjectId: string;
  mergedObjectIds: string[];
  newObjectId: string;
  numberOfPropertiesMoved: number;
}

/** A record change made through the emulated API (what HubSpot turns into webhook events). */
export interface ObjectChange {
  type: ObjectType;
  objectId: string;
  kind: 'creation' | 'propertyChange' | 'deletion' | 'merge' | 'restore';
  /** The properties the change set, with their new values (only those that changed). */
  properties: Record<string, string | null>;
  /** `merge` only. */
  merge?: MergeDetails;
}

type ChangeListener = (ds: HubSpotDataset, change: ObjectChange) => void;
const changeListeners = new Set<ChangeListener>();

/** Registers a listener for record changes (sandbox/hubspot/webhooks.ts); returns its removal. */
export function onObjectChange(listener: ChangeListener): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

/** Tells the listeners about a change; a listener's failure never fails the API call. */
export function notifyObjectChange(ds: HubSpotDataset, change: ObjectChange): void {
  for (const listener of changeListeners) {
    try {
      listener(ds, change);
    } catch (err) {
      console.error('[sandbox] hubspot change listener failed', err);
    }
  }
}
