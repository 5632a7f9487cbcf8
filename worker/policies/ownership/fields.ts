/**
 * The shared fields the ownership matrix speaks about, derived from the canonical model so a
 * new model field is automatically ownable and a typo in a tenant override is rejected.
 */
import { AccountSchema } from '../../model/account.js';
import { ContactSchema } from '../../model/contact.js';
import { ContractSchema } from '../../model/contract.js';
import { HealthScoreSchema } from '../../model/health.js';
import { InvoiceSchema } from '../../model/invoice.js';
import { OnboardingMilestoneSchema } from '../../model/onboarding.js';
import { PaymentSchema } from '../../model/payment.js';
import { PriceBookEntrySchema, ProductSchema } from '../../model/product.js';
import { SalesOrderSchema } from '../../model/sales-order.js';
import { SupportCaseSchema } from '../../model/support-case.js';

/** Fields that are Concord's own bookkeeping, never synced, so never owned by a vendor. */
const UNOWNED = new Set(['id', 'refs', 'updatedAt']);

const SHAPES = {
  account: AccountSchema.shape,
  contact: ContactSchema.shape,
  product: ProductSchema.shape,
  priceBookEntry: PriceBookEntrySchema.shape,
  contract: ContractSchema.shape,
  invoice: InvoiceSchema.shape,
  payment: PaymentSchema.shape,
  salesOrder: SalesOrderSchema.shape,
  health: HealthScoreSchema.shape,
  onboarding: OnboardingMilestoneSchema.shape,
  supportCase: SupportCaseSchema.shape,
};

/** Canonical entity names used in field keys (`account.legalName`). */
export type OwnedEntity = keyof typeof SHAPES;

/** Every ownable field per entity. */
export const OWNABLE_FIELDS: Readonly<Record<OwnedEntity, readonly string[]>> = Object.fromEntries(
  Object.entries(SHAPES).map(([entity, shape]) => [entity, Object.keys(shape).filter((f) => !UNOWNED.has(f))]),
) as unknown as Record<OwnedEntity, readonly string[]>; // fromEntries loses the key type; keys are SHAPES' keys

/** Parses `entity.field` or `entity.*`; null when the entity or field is not in the model. */
export function parseFieldKey(key: string): { entity: OwnedEntity; field: string } | null {
  const m = /^([a-zA-Z]+)\.(\*|[a-zA-Z]+)$/.exec(key);
  if (!m) return null;
  const entity = m[1]!;
  const field = m[2]!;
  if (!Object.hasOwn(OWNABLE_FIELDS, entity)) return null;
  const fields = OWNABLE_FIELDS[entity as OwnedEntity];
  if (field !== '*' && !fields.includes(field)) return null;
  return { entity: entity as OwnedEntity, field };
}
