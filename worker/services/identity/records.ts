/**
 * Vendor records as identity evidence: a connector's `MatchRecord` becomes the stored record
 * (raw fields, the record its hint points at, blocking keys) that resolution reads.
 */
import {
  IdentityFieldsSchema,
  blockingKeys,
  parseHint,
  profileOf,
  recordKey,
  splitRecordKey,
  type IdentityFields,
} from '../../policies/identity/index.js';
import type { MatchRecord } from '../../ports/index.js';
import type { System } from '../../storage/connections.js';
import type { StoredRecord } from '../../storage/identity-records.js';

const clip = (v: string | null | undefined, max: number): string | null => {
  const t = v?.trim();
  return t ? t.slice(0, max) : null;
};

/** A record's identity fields, clipped to the schema's limits (a vendor may hold longer values). */
export function fieldsOf(r: MatchRecord): IdentityFields {
  const fields = {
    name: clip(r.name, 500) ?? r.externalId,
    domain: clip(r.domain, 2000),
    taxId: clip(r.taxId, 100),
    country: clip(r.country, 100),
    city: clip(r.city, 200),
    address: clip(r.address, 500),
    emails: r.emails.flatMap((e) => clip(e, 320) ?? []).slice(0, 50),
  };
  const parsed = IdentityFieldsSchema.safeParse(fields);
  return parsed.success ? parsed.data : { name: fields.name };
}

/** The blocking keys of a record (or of a candidate that is no record yet, `self` absent). */
export function keysOf(fields: IdentityFields, self: { system: System; externalId: string } | null, hint: { system: System; externalId: string } | null): string[] {
  return blockingKeys(profileOf(fields), {
    self: self ? recordKey(self.system, self.externalId) : null,
    hint: hint ? recordKey(hint.system, hint.externalId) : null,
  });
}

/** A vendor record as stored for resolution. */
export function storedRecord(system: System, r: MatchRecord): StoredRecord {
  const fields = fieldsOf(r);
  const hintKey = parseHint(r.crmHint);
  const hint = hintKey ? splitRecordKey(hintKey) : null;
  return { externalId: r.externalId, fields, hint, keys: keysOf(fields, { system, externalId: r.externalId }, hint) };
}
