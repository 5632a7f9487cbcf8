/**
 * JSON Schema export of the canonical model (draft 2020-12), used by `npm run schema` to write
 * `manifests/schema/*` and by the unit test that keeps those files in step with the zod model.
 */
import { z } from 'zod';
import { AccountSchema } from './account.js';
import { AccountViewSchema } from './account-view.js';
import { AddressSchema } from './address.js';
import { ContactSchema } from './contact.js';
import { ContractSchema } from './contract.js';
import { FinanceHoldSchema } from './finance-hold.js';
import { RenewalHoldSchema } from './renewal-hold.js';
import { HealthScoreSchema } from './health.js';
import { InvoiceSchema } from './invoice.js';
import { MoneySchema } from './money.js';
import { OnboardingMilestoneSchema } from './onboarding.js';
import { PaymentSchema } from './payment.js';
import { ExternalRefSchema, SCHEMA_VERSION } from './primitives.js';
import { PriceBookEntrySchema, ProductSchema } from './product.js';
import { RenewalRiskSchema } from './renewal-risk.js';
import { SalesOrderSchema } from './sales-order.js';
import { SupportCaseSchema } from './support-case.js';

/** Each exported entity by file name (kebab-case): `manifests/schema/<name>.schema.json`. */
export const ENTITY_SCHEMAS = {
  'external-ref': ExternalRefSchema,
  money: MoneySchema,
  address: AddressSchema,
  account: AccountSchema,
  contact: ContactSchema,
  product: ProductSchema,
  'price-book-entry': PriceBookEntrySchema,
  contract: ContractSchema,
  invoice: InvoiceSchema,
  payment: PaymentSchema,
  'sales-order': SalesOrderSchema,
  'health-score': HealthScoreSchema,
  'onboarding-milestone': OnboardingMilestoneSchema,
  'support-case': SupportCaseSchema,
  'renewal-risk': RenewalRiskSchema,
  'finance-hold': FinanceHoldSchema,
  'renewal-hold': RenewalHoldSchema,
  'account-view': AccountViewSchema,
} as const satisfies Record<string, z.ZodType>;

/** Name of an exported entity. */
export type EntityName = keyof typeof ENTITY_SCHEMAS;

/** The `$id` of an entity's schema; the version is part of it so a new version can live beside the old. */
export function schemaId(entity: string): string {
  return `urn:concord:schema:v${SCHEMA_VERSION}:${entity}`;
}

/** Builds every schema file: file name -> JSON value (including `index.json`). */
export function buildJsonSchemas(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  const entries: { entity: string; file: string; $id: string; description: string | undefined }[] = [];
  for (const [entity, schema] of Object.entries(ENTITY_SCHEMAS)) {
    // `io: 'input'` documents what a producer must send; no schema here transforms, so both agree.
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
    const { $schema, ...rest } = json;
    const file = `${entity}.schema.json`;
    files[file] = { $schema, $id: schemaId(entity), title: entity, ...rest };
    entries.push({ entity, file, $id: schemaId(entity), description: schema.description });
  }
  files['index.json'] = { schemaVersion: SCHEMA_VERSION, entities: entries };
  return files;
}

/** Serialises a schema file the way it is committed (2-space JSON, trailing newline). */
export function serializeSchemaFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
