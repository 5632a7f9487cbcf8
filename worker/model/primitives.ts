/**
 * Canonical primitives shared by every entity: ids, calendar dates, instants and systems.
 *
 * Dates are calendar days (`YYYY-MM-DD`, no time zone) because due dates, contract terms and
 * renewal dates are business days in the ERP, not instants. Instants are ISO-8601 UTC (`...Z`).
 */
import { z } from 'zod';

/** Version of the canonical model; bumped on any breaking change to a schema in `worker/model`. */
export const SCHEMA_VERSION = 3 as const;

/** An identifier: non-empty, trimmed, at most 255 characters (fits D1 keys and vendor ids). */
export const IdSchema = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => s.trim() === s, 'must not have leading or trailing whitespace')
  .describe('Identifier: non-empty string, no surrounding whitespace, at most 255 characters.');

/** A calendar date `YYYY-MM-DD` (validated as a real date, e.g. no 2026-02-30). */
export const IsoDateSchema = z.iso.date().describe('Calendar date, YYYY-MM-DD.');
/** A calendar date `YYYY-MM-DD`. */
export type IsoDate = z.infer<typeof IsoDateSchema>;

/** An instant, ISO-8601 in UTC (`2026-11-26T06:00:00Z`, fractional seconds allowed). */
export const InstantSchema = z.iso.datetime().describe('Instant, ISO-8601 UTC (ends in Z).');
/** An ISO-8601 UTC instant. */
export type Instant = z.infer<typeof InstantSchema>;

/** The vendor systems Concord speaks to. */
export const SystemNameSchema = z
  .enum(['hubspot', 'salesforce', 'netsuite', 'vitally'])
  .describe('A connected vendor system.');
/** A connected vendor system. */
export type SystemName = z.infer<typeof SystemNameSchema>;
/** Every system name, in a stable order. */
export const SYSTEM_NAMES: readonly SystemName[] = SystemNameSchema.options;

/** The role a system plays for a tenant; ownership is expressed per role. */
export const SystemRoleSchema = z.enum(['crm', 'erp', 'cs']).describe('Role of a system: CRM, ERP or customer success.');
/** Role of a system: CRM, ERP or customer success. */
export type SystemRole = z.infer<typeof SystemRoleSchema>;

/** Which role each supported system plays (ARCHITECTURE.md, "owns" table). */
export const SYSTEM_ROLE: Readonly<Record<SystemName, SystemRole>> = {
  hubspot: 'crm',
  salesforce: 'crm',
  netsuite: 'erp',
  vitally: 'cs',
};

/** A pointer to the same record in a vendor system (the xref row, as data). */
export const ExternalRefSchema = z
  .strictObject({
    system: SystemNameSchema,
    externalId: IdSchema.describe('The record id inside that system (e.g. HubSpot company id, NetSuite internal id).'),
  })
  .describe('Link from a canonical record to its copy in one vendor system.');
/** Link from a canonical record to its copy in one vendor system. */
export type ExternalRef = z.infer<typeof ExternalRefSchema>;

/** The links of a record: at most one per system. */
export const ExternalRefsSchema = z
  .array(ExternalRefSchema)
  .superRefine((refs, ctx) => {
    const seen = new Set<string>();
    refs.forEach((ref, i) => {
      if (seen.has(ref.system)) {
        ctx.addIssue({ code: 'custom', path: [i, 'system'], message: `duplicate link to ${ref.system}` });
      }
      seen.add(ref.system);
    });
  })
  .describe('Links to vendor systems, at most one per system.');
