/**
 * The order of a deal as the card reads it from `GET /v1/cards/hubspot/order` (docs/cards-api.md):
 * `{order: null}` when the deal was never closed won, else the order's state. A reader-side copy
 * of the broker's shape that checks only what the card shows; extra fields are tolerated.
 */
import { z } from 'zod';

/** An https link without credentials; anything else is dropped (it would be rendered as a link). */
const HttpsUrl = z
  .string()
  .nullish()
  .transform((u) => (u && /^https:\/\/[^/?#@\s]+\/[^#@\s]*$/.test(u) ? u : null));

export const OrderIssue = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
  fixIn: z.enum(['crm', 'erp', 'concord']),
  /** `hubspot`, `netsuite`, `concord`; null when that kind of system is not connected. */
  fixInSystem: z.string().nullable(),
  action: z.string(),
  /** The deal owner, asked to fix it (absent from brokers older than this field). */
  owner: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullish(),
});
export type OrderIssue = z.infer<typeof OrderIssue>;

const common = { runId: z.string(), startedAt: z.string(), updatedAt: z.string() };

export const Order = z.discriminatedUnion('state', [
  z.object({ ...common, state: z.literal('creating'), step: z.string().nullable(), stepLabel: z.string() }),
  z.object({ ...common, state: z.literal('created'), orderNumber: z.string(), erp: z.string().nullable(), orderUrl: HttpsUrl, completedAt: z.string() }),
  z.object({ ...common, state: z.literal('blocked'), stepLabel: z.string(), issues: z.array(OrderIssue) }),
  z.object({ ...common, state: z.literal('failed'), stepLabel: z.string(), reason: z.string() }),
]);
export type Order = z.infer<typeof Order>;

export const OrderAnswer = z.object({ order: Order.nullable() });
