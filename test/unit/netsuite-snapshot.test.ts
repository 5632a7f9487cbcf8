/**
 * The account view's one NetSuite query (suiteqlQueries.accountSnapshot) answers the product of a
 * customer's open invoices and subscriptions; snapshotFromRows takes each invoice and subscription
 * once, and the customer's facts and default addresses from its columns.
 */
import { describe, expect, it } from 'vitest';
import { snapshotFromRows } from '../../worker/connectors/netsuite/map.js';
import { suiteqlQueries } from '../../worker/connectors/netsuite/queries.js';
import { AccountSnapshotRowSchema, type AccountSnapshotRow } from '../../worker/connectors/netsuite/schemas.js';

const customer = {
  id: '1001', companyname: 'Acme GmbH', url: 'https://www.acme.de', vatregnumber: 'DE123456789', currency: 'eur',
  billaddr1: 'Hauptstr. 1', billcity: 'Berlin', billzip: '10115', billcountry: 'DE',
  shipaddr1: null, shipcity: null, shipzip: null, shipcountry: null,
};
const invoice = (id: string, due: string, remaining: number) => ({
  invoiceid: id, tranid: `INV-${id}`, trandate: '2026-10-01', duedate: due, invoicestatus: 'A', foreigntotal: 1000, foreignamountremaining: remaining, invoicecurrency: 'eur', custbody_concord_disputed: 'F' as const,
});
const subscription = (id: string, status: string, end: string) => ({
  subscriptionid: id, subscriptionname: `Sub ${id}`, startdate: '2026-01-01', enddate: end, subscriptionstatus: status, subscriptioncurrency: 'eur', autorenewal: 'T' as const, custrecord_concord_arr: 12000,
});
const rows = (...parts: Partial<AccountSnapshotRow>[]): AccountSnapshotRow[] => parts.map((p) => AccountSnapshotRowSchema.parse({ ...customer, ...p }));

describe('accountSnapshot', () => {
  it('takes each invoice and each subscription once from their product, sorted by due date', () => {
    const i1 = invoice('11', '2026-12-20', 400);
    const i2 = invoice('12', '2026-11-15', 250);
    const s1 = subscription('21', 'ACTIVE', '2027-06-30');
    const s2 = subscription('22', 'TERMINATED', '2025-12-31');
    const snap = snapshotFromRows(rows({ ...i1, ...s1 }, { ...i1, ...s2 }, { ...i2, ...s1 }, { ...i2, ...s2 }), '2026-12-02', () => 'acme.de');
    expect(snap.invoices.map((i) => [i.id, i.balance, i.currency])).toEqual([['12', 250, 'EUR'], ['11', 400, 'EUR']]);
    expect(snap.contract).toMatchObject({ id: '21', status: 'active', arr: 12000, currency: 'EUR' });
    expect(snap.facts).toMatchObject({ legalName: 'Acme GmbH', domain: 'acme.de', taxId: 'DE123456789', currency: 'EUR', shipTo: null });
    expect(snap.facts.billTo).toMatchObject({ line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' });
  });

  it('a customer with neither invoices nor subscriptions is one row of facts', () => {
    const snap = snapshotFromRows(rows({}), '2026-12-02', () => null);
    expect(snap.invoices).toEqual([]);
    expect(snap.contract).toBeNull();
    expect(snap.facts.legalName).toBe('Acme GmbH');
  });

  it('is one query that asks for ISO dates and refuses an id that is not a NetSuite internal id', () => {
    const q = suiteqlQueries.accountSnapshot('1001');
    expect(q).toContain("TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate");
    expect(q).toContain('WHERE c.id = 1001');
    expect(() => suiteqlQueries.accountSnapshot("1 OR 1=1")).toThrow(TypeError);
  });
});
