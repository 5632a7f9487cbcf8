/**
 * External-id hints: the pointer one system keeps to another system's record (a NetSuite
 * customer's `externalid` "hs-1000123" set by an earlier integration, a Vitally account's
 * `externalId` = the HubSpot company id). A hint is a claim, not a link: the scorer weighs it.
 */
import type { SystemName } from '../../model/primitives.js';

/** Prefix used in external-id hints written into other systems (NetSuite externalid 'hs-<id>'). */
export const HINT_PREFIX: Readonly<Partial<Record<SystemName, string>>> = { hubspot: 'hs', salesforce: 'sf' };

const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SF_SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character form of a Salesforce id (the 15-character form plus its case checksum), so
 * "001…" pasted from a URL and the API's 18-character id are one key.
 * https://help.salesforce.com/s/articleView?id=000385585
 */
export function salesforceId18(id: string): string {
  if (!SF_ID.test(id)) return id;
  const id15 = id.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += SF_SUFFIX[bits];
  }
  return id15 + suffix;
}

/** A record reference as `system:id`; Salesforce ids in their 18-character form. */
export function recordKey(system: SystemName, externalId: string): string {
  return `${system}:${system === 'salesforce' ? salesforceId18(externalId) : externalId}`;
}

/** The system and id of a `recordKey`. */
export function splitRecordKey(key: string): { system: SystemName; externalId: string } {
  const i = key.indexOf(':');
  return { system: key.slice(0, i) as SystemName, externalId: key.slice(i + 1) };
}

/** The hint the broker writes into another system to point at a record ('hs-123', 'sf-001...'). */
export function externalIdHintFor(record: { system: SystemName; externalId: string }): string {
  const prefix = HINT_PREFIX[record.system];
  return prefix === undefined ? record.externalId : `${prefix}-${record.externalId}`;
}

/**
 * The record a raw hint points at, as `recordKey` gives it: 'hs-123' and a bare numeric id are
 * HubSpot companies, 'sf-001…' and a bare Account id ('001' + 12 or 15 characters) Salesforce
 * Accounts. Null for an empty or unreadable hint.
 */
export function parseHint(raw: string | null | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  const prefixed = /^([a-z]+)-(.+)$/i.exec(value);
  if (prefixed) {
    const system = (Object.entries(HINT_PREFIX) as [SystemName, string][]).find(([, p]) => p === prefixed[1]!.toLowerCase())?.[0];
    return system ? recordKey(system, prefixed[2]!) : null;
  }
  if (/^\d{1,20}$/.test(value)) return recordKey('hubspot', value);
  if (/^001/.test(value) && SF_ID.test(value)) return recordKey('salesforce', value);
  return null;
}
