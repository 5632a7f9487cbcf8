/**
 * Raw NetSuite response shapes (vendor field names), validated at the boundary. SuiteQL leaves
 * NULL columns out of a row, so every nullable column is `nullish`.
 */
import { z } from 'zod';

/** SuiteQL numbers arrive as numbers or numeric strings depending on column type. */
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const id = z.union([z.string(), z.number().transform(String)]);
/**
 * An ISO date. SuiteQL rows carry dates the connector asked for with `TO_CHAR(col, 'YYYY-MM-DD')`
 * (client.ts `isoDate`); record/v1 answers ISO dates itself. Anything else (an account-format
 * date such as `11/25/2026`) is refused at the boundary instead of being misread.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date (YYYY-MM-DD)');

export const SuiteQlPageSchema = z.object({
  hasMore: z.boolean(),
  count: z.number().optional(),
  offset: z.number().optional(),
  totalResults: z.number().optional(),
  items: z.array(z.record(z.string(), z.unknown())),
});

export const InvoiceRowSchema = z.object({
  id,
  tranid: z.string().nullish(),
  trandate: isoDate,
  duedate: isoDate.nullish(),
  status: z.string().nullish(),
  foreigntotal: num,
  foreignamountremaining: num,
  currency: id,
  custbody_concord_disputed: z.enum(['T', 'F']).nullish().optional(),
});
export type InvoiceRow = z.infer<typeof InvoiceRowSchema>;

export const SubscriptionRowSchema = z.object({
  id,
  name: z.string(),
  customer: id,
  startdate: isoDate,
  enddate: isoDate,
  status: z.string(),
  currency: id,
  autorenewal: z.enum(['T', 'F']).nullish().optional(),
  custrecord_concord_arr: num.nullish().optional(),
});
export type SubscriptionRow = z.infer<typeof SubscriptionRowSchema>;

/**
 * One row of `suiteqlQueries.accountSnapshot`: the customer's columns on every row, then (when it
 * has any) one open invoice and one subscription, each with its currency's code.
 */
export const AccountSnapshotRowSchema = z.object({
  id,
  companyname: z.string().nullish(),
  url: z.string().nullish(),
  vatregnumber: z.string().nullish(),
  currency: z.string().nullish(),
  // The default billing and shipping addresses (customeraddressbookentityaddress).
  billaddr1: z.string().nullish(),
  billaddr2: z.string().nullish(),
  billcity: z.string().nullish(),
  billstate: z.string().nullish(),
  billzip: z.string().nullish(),
  billcountry: z.string().nullish(),
  shipaddr1: z.string().nullish(),
  shipaddr2: z.string().nullish(),
  shipcity: z.string().nullish(),
  shipstate: z.string().nullish(),
  shipzip: z.string().nullish(),
  shipcountry: z.string().nullish(),
  invoiceid: id.nullish(),
  tranid: z.string().nullish(),
  trandate: isoDate.nullish(),
  duedate: isoDate.nullish(),
  invoicestatus: z.string().nullish(),
  foreigntotal: num.nullish(),
  foreignamountremaining: num.nullish(),
  invoicecurrency: z.string().nullish(),
  custbody_concord_disputed: z.enum(['T', 'F']).nullish(),
  subscriptionid: id.nullish(),
  subscriptionname: z.string().nullish(),
  startdate: isoDate.nullish(),
  enddate: isoDate.nullish(),
  subscriptionstatus: z.string().nullish(),
  subscriptioncurrency: z.string().nullish(),
  autorenewal: z.enum(['T', 'F']).nullish(),
  custrecord_concord_arr: num.nullish(),
});
export type AccountSnapshotRow = z.infer<typeof AccountSnapshotRowSchema>;

/** A held sales order (`heldSalesOrders`). */
export const HeldOrderRowSchema = z.object({ id, tranid: z.string().nullish(), externalid: z.string().nullish() }).passthrough();

export const CustomerRowSchema = z.object({
  id,
  companyname: z.string().nullish(),
  entityid: z.string().nullish().optional(),
  externalid: z.string().nullish().optional(),
  email: z.string().nullish().optional(),
  url: z.string().nullish().optional(),
  vatregnumber: z.string().nullish().optional(),
  currency: id.nullish().optional(),
  defaultbillingaddress: id.nullish().optional(),
});
export type CustomerRow = z.infer<typeof CustomerRowSchema>;

/** SuiteQL `entityaddress` (an entity's address-book address, keyed by `nkey`). */
export const EntityAddressRowSchema = z.object({
  nkey: id,
  addr1: z.string().nullish().optional(),
  city: z.string().nullish().optional(),
  zip: z.string().nullish().optional(),
  country: z.string().nullish().optional(),
});
export type EntityAddressRow = z.infer<typeof EntityAddressRowSchema>;

export const CurrencyRowSchema = z.object({ id, name: z.string(), symbol: z.string() });
export type CurrencyRow = z.infer<typeof CurrencyRowSchema>;

/** SuiteQL `term` row (payment terms). */
export const TermRowSchema = z.object({
  id,
  name: z.string(),
  daysuntilnetdue: num.nullish(),
});


export const ItemRowSchema = z.object({ id, itemid: z.string(), displayname: z.string().nullish(), itemtype: z.string(), isinactive: z.enum(['T', 'F']).optional() });
export const PricingRowSchema = z.object({ item: id, pricelevel: id, pricelevelname: z.string().nullish().optional(), currency: id, unitprice: num });

/** record/v1/customer/{id}, the fields Concord reads. */
export const CustomerRecordSchema = z
  .object({
    id: id,
    companyName: z.string().nullable().optional(),
    entityId: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    url: z.string().nullable().optional(),
    vatRegNumber: z.string().nullable().optional(),
    currency: z.object({ id, refName: z.string().optional() }).nullable().optional(),
    subsidiary: z.object({ id, refName: z.string().optional() }).nullable().optional(),
    parent: z.object({ id }).nullable().optional(),
    addressBook: z
      .object({
        items: z.array(
          z.object({
            label: z.string().nullable().optional(),
            defaultBilling: z.boolean().optional(),
            defaultShipping: z.boolean().optional(),
            addressBookAddress: z
              .object({
                addr1: z.string().nullable().optional(),
                addr2: z.string().nullable().optional(),
                city: z.string().nullable().optional(),
                state: z.string().nullable().optional(),
                zip: z.string().nullable().optional(),
                country: z.union([z.string(), z.object({ id: z.string() })]).nullable().optional(),
              })
              .optional(),
          }).passthrough(),
        ),
      })
      .nullable()
      .optional(),
  })
  .passthrough();
export type CustomerRecord = z.infer<typeof CustomerRecordSchema>;

/**
 * `{type, title, status, "o:errorDetails":[{detail, "o:errorCode", "o:errorPath"?}]}` -> a short
 * detail (code and text) and the body field NetSuite names (`o:errorPath`, e.g.
 * `item.items[0].item`), when it names one.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html (error responses)
 */
export function describeNetSuiteError(body: unknown): { detail: string; path?: string } {
  const parsed = z
    .object({
      title: z.string().optional(),
      'o:errorDetails': z.array(z.object({ detail: z.string().optional(), 'o:errorCode': z.string().optional(), 'o:errorPath': z.string().optional() })).optional(),
    })
    .safeParse(body);
  if (!parsed.success) return { detail: '' };
  const first = parsed.data['o:errorDetails']?.[0];
  const detail = [first?.['o:errorCode'], first?.detail ?? parsed.data.title].filter(Boolean).join(': ');
  const path = first?.['o:errorPath'];
  return path ? { detail, path } : { detail };
}

/** A record/v1 collection page: ids and links only (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156414087576.html). */
export const CollectionPageSchema = z.object({
  links: z.array(z.object({ rel: z.string(), href: z.string() })),
  count: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  items: z.array(z.object({ id })),
  offset: z.number().int().nonnegative().optional(),
  totalResults: z.number().int().nonnegative().optional(),
});

const ref = z.object({ id, refName: z.string().optional() });
/** A payment's or credit memo's apply sublist (record/v1 with `expandSubResources=true`): the invoices it settles. */
const applySublist = z.object({ items: z.array(z.object({ doc: ref, apply: z.boolean().optional(), amount: num })) }).nullish();

/** record/v1 salesOrder and invoice, the fields Concord reads. */
export const TransactionRecordSchema = z.object({
  id,
  tranId: z.string().nullish(),
  tranDate: isoDate,
  dueDate: isoDate.nullish(),
  externalId: z.string().nullish(),
  memo: z.string().nullish(),
  entity: ref,
  currency: ref.nullish(),
  status: ref.nullish(),
  total: num,
  amountRemaining: num.nullish(),
  item: z
    .object({
      items: z.array(
        z.object({
          item: ref,
          quantity: num,
          rate: num.nullish(),
          amount: num,
          description: z.string().nullish(),
        }),
      ),
    })
    .nullish(),
});
export type TransactionRecord = z.infer<typeof TransactionRecordSchema>;

/** record/v1 customerPayment. */
export const PaymentRecordSchema = z.object({
  id,
  tranId: z.string().nullish(),
  tranDate: isoDate,
  externalId: z.string().nullish(),
  customer: ref,
  currency: ref.nullish(),
  payment: num,
  apply: applySublist,
});
export type PaymentRecord = z.infer<typeof PaymentRecordSchema>;

/**
 * record/v1 customerPayment or creditMemo as the change pipeline reads one back: who (payment
 * `customer`, credit memo `entity`), how much (`payment` / `total`), its currency and status, when
 * it was last modified, and the apply sublist (with `expandSubResources=true`).
 */
export const SettlementRecordSchema = z.object({
  id,
  tranId: z.string().nullish(),
  tranDate: isoDate.nullish(),
  customer: ref.nullish(),
  entity: ref.nullish(),
  currency: ref.nullish(),
  status: ref.nullish(),
  payment: num.nullish(),
  total: num.nullish(),
  lastModifiedDate: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'expected an ISO instant'),
  apply: applySublist,
});
export type SettlementRecord = z.infer<typeof SettlementRecordSchema>;

/** record/v1 inventoryItem / nonInventorySaleItem with the pricing sublist. */
export const ItemRecordSchema = z.object({
  id,
  itemId: z.string(),
  displayName: z.string().nullish(),
  isInactive: z.boolean().optional(),
  price: z
    .object({ items: z.array(z.object({ priceLevel: ref.nullish(), currency: ref, price: num })) })
    .nullish(),
});
export type ItemRecord = z.infer<typeof ItemRecordSchema>;
