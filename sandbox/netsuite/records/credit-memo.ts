/**
 * The `creditMemo` record: a customer credit applied to open invoices. Credit memos are made by
 * the sandbox's credit admin route (netsuite/events/actions.ts), as a credit issued in NetSuite's
 * UI would be; through REST the sandbox reads and deletes them only (a write answers 405).
 * Deleting one re-opens what it credited, as deleting a payment does.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_N3193530.html (record),
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_0404050225.html (REST answer: amountRemaining, applied)
 */
import type { NetSuiteDataset, NetSuiteTransaction } from '../../seed/types.js';
import { Links, STATUS_NAMES } from './map.js';
import type { RecordKind } from './registry.js';

/** creditMemo as `GET /record/v1/creditMemo/{id}` returns it: empty fields left out. */
export function creditMemoToRest(ds: NetSuiteDataset, l: Links, t: NetSuiteTransaction): Record<string, unknown> {
  const customer = ds.customer.find((c) => c.id === t.entity);
  const rest: Record<string, unknown> = {
    links: l.self('creditMemo', t.id),
    id: t.id,
    tranId: t.tranid,
    tranDate: t.trandate,
    externalId: t.externalid ?? undefined,
    memo: t.memo ?? undefined,
    entity: l.ref('customer', t.entity, customer?.entityid),
    currency: l.ref('currency', t.currency, ds.currency.find((c) => c.id === t.currency)?.name ?? t.currency),
    status: { id: t.status, refName: STATUS_NAMES.CustCred[t.status] ?? t.status },
    total: t.foreigntotal,
    // Credit not yet applied, and applied.
    amountRemaining: t.foreignamountremaining,
    applied: Math.round((t.foreigntotal - t.foreignamountremaining) * 100) / 100,
    apply: {
      items: (t.appliesTo ?? []).map((doc) => ({ links: [], doc: l.ref('invoice', doc), apply: true, amount: t.appliedAmounts?.[doc] ?? t.foreigntotal })),
      totalResults: (t.appliesTo ?? []).length,
    },
    lastModifiedDate: t.lastmodifieddate,
  };
  for (const k of Object.keys(rest)) if (rest[k] === undefined) delete rest[k];
  return rest;
}

/** The credit memo record kind (read and delete). */
export const creditMemoKind: RecordKind = {
  rows: (ds) => ds.transaction.filter((t) => t.type === 'CustCred'),
  toRest: (ds, l, row) => creditMemoToRest(ds, l, row as NetSuiteTransaction),
  remove: (ds, row) => {
    const memo = row as NetSuiteTransaction;
    for (const id of memo.appliesTo ?? []) {
      const inv = ds.transaction.find((x) => x.id === id && x.type === 'CustInvc');
      if (!inv) continue;
      inv.foreignamountremaining = Math.round((inv.foreignamountremaining + (memo.appliedAmounts?.[id] ?? 0)) * 100) / 100;
      if (inv.status !== 'V') inv.status = 'A';
      inv.lastmodifieddate = new Date().toISOString();
    }
    ds.transaction.splice(ds.transaction.indexOf(memo), 1);
  },
};
