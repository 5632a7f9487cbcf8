/**
 * What the change pipeline follows, in canonical names (vendor record names stay in the
 * connectors): the ERP records whose changes move an account's receivables, contract or links,
 * and the customer-success records behind its health, onboarding and escalations.
 */

/** ERP records: invoices, payments, credit memos, sales orders, contracts (subscriptions), customers. */
export const ERP_RECORD_TYPES = ['invoice', 'payment', 'credit_memo', 'sales_order', 'contract', 'customer'] as const;
export type ErpRecordType = (typeof ERP_RECORD_TYPES)[number];

/** CS records: the account (its health score), tasks (onboarding milestones), conversations (escalations). */
export const CS_OBJECT_TYPES = ['account', 'task', 'conversation'] as const;
export type CsObjectType = (typeof CS_OBJECT_TYPES)[number];
