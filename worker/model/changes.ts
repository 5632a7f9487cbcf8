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

/** The parts of an account's CS data, as the account view reads them: health scores, onboarding (projects and tasks), escalations (conversations). */
export type CsPart = 'health' | 'onboarding' | 'escalations';

/** Which part of an account's CS data a change of each CS record type changes. */
export const CS_PART_OF: Readonly<Record<CsObjectType, CsPart>> = { account: 'health', task: 'onboarding', conversation: 'escalations' };
