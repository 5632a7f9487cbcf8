/**
 * What the closed-won flow reads from and writes to Salesforce, through `jsforce`: products and
 * the standard price book (Product2, Pricebook2, PricebookEntry), opportunity line items with
 * their product (`Product2.ProductCode` in SOQL), the opportunity's currency and won flags, the
 * account's billing address, and the Concord package's write-back fields.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitylineitem.htm
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm
 */
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';
import type { ClosedWonTruth } from '../../sandbox/seed/types.js';
import { countryCode } from '../../worker/policies/orders/countries.js';

// Own sandbox: these tests add line items and win an opportunity, which the shared sandbox's
// record counts (salesforce.test.ts) must not see.
let sandbox: SandboxListener;
let sandboxUrl: string;
let conn: Connection;
let truth: ClosedWonTruth;

/** The errorCode (and message) of a jsforce failure. */
async function failure(p: PromiseLike<unknown>): Promise<{ errorCode: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { errorCode: String((err as { errorCode?: string }).errorCode ?? (err as Error).name), message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

interface Line {
  Id: string;
  Quantity: number;
  UnitPrice: number;
  TotalPrice: number;
  ListPrice: number;
  Name: string;
  PricebookEntryId: string;
  Product2: { ProductCode: string; Name: string } | null;
}

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  sandboxUrl = sandbox.url;
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'salesforce', tenant: 'demo' }) });
  conn = new Connection({ instanceUrl: `${sandboxUrl}/salesforce`, accessToken: ((await res.json()) as { accessToken: string }).accessToken, version: '62.0' });
  truth = (await (await fetch(`${sandboxUrl}/__sandbox/truth/closed-won?tenant=demo`)).json()) as ClosedWonTruth;
});

afterAll(() => sandbox.close());

describe('Salesforce products and opportunity line items', () => {
  it('serves products, the standard price book and one entry per product and currency', async () => {
    const products = await conn.query<{ Id: string; ProductCode: string; Name: string; IsActive: boolean; Family: string }>('SELECT Id, ProductCode, Name, IsActive, Family FROM Product2 WHERE IsActive = true ORDER BY ProductCode');
    expect(products.totalSize).toBeGreaterThan(15);
    expect(products.records.map((p) => p.ProductCode)).toContain('PLAT-GROWTH');
    expect(new Set(products.records.map((p) => p.Family))).toEqual(new Set(['Platform', 'Add-on', 'Services', 'Hardware']));
    const books = await conn.query<{ Id: string; IsStandard: boolean; Name: string }>('SELECT Id, Name, IsStandard FROM Pricebook2');
    const standard = books.records.find((b) => b.IsStandard)!;
    expect(standard.Name).toBe('Standard Price Book');
    const entries = await conn.query<{ UnitPrice: number; CurrencyIsoCode: string; Product2: { ProductCode: string } }>(
      `SELECT UnitPrice, CurrencyIsoCode, Product2.ProductCode FROM PricebookEntry WHERE Pricebook2Id = '${standard.Id}' AND Product2.ProductCode = 'PLAT-GROWTH'`,
    );
    expect(entries.records.map((e) => e.CurrencyIsoCode).sort()).toEqual(['CAD', 'EUR', 'GBP', 'USD']);
    expect(entries.records.every((e) => e.Product2.ProductCode === 'PLAT-GROWTH' && e.UnitPrice > 0)).toBe(true);
  });

  it("SELECT Quantity, UnitPrice, Product2.ProductCode FROM OpportunityLineItem returns a demo opportunity's lines", async () => {
    const c = truth.salesforce.valid[0]!;
    const lines = await conn.query<Line>(`SELECT Id, Quantity, UnitPrice, TotalPrice, ListPrice, Name, PricebookEntryId, Product2.ProductCode, Product2.Name FROM OpportunityLineItem WHERE OpportunityId = '${c.dealId}'`);
    expect(lines.records.map((l) => l.Product2!.ProductCode).sort()).toEqual([...c.skus].sort());
    for (const l of lines.records) expect(l.TotalPrice).toBeCloseTo(l.Quantity * l.UnitPrice, 2);
    const opp = await conn.sobject('Opportunity').retrieve(c.dealId) as unknown as { CurrencyIsoCode: string; Amount: number; IsWon: boolean; IsClosed: boolean; AccountId: string; Pricebook2Id: string };
    expect(opp).toMatchObject({ CurrencyIsoCode: c.currency, IsWon: false, IsClosed: false, AccountId: c.companyId });
    expect(opp.Amount).toBeCloseTo(lines.records.reduce((s, l) => s + l.TotalPrice, 0), 2);
    const account = await conn.query<{ BillingStreet: string; BillingCity: string; BillingPostalCode: string; BillingCountry: string }>(`SELECT BillingStreet, BillingCity, BillingPostalCode, BillingCountry FROM Account WHERE Id = '${c.companyId}'`);
    expect(account.records[0]!.BillingStreet).toBeTruthy();
    expect(account.records[0]!.BillingPostalCode).toBeTruthy();
    // An ISO code or the English name, both read by the flow.
    expect(countryCode(account.records[0]!.BillingCountry)).toMatch(/^[A-Z]{2}$/);
  });

  it('a line item added by PricebookEntryId or by Product2Id takes the product, its list price and a derived name', async () => {
    const c = truth.salesforce.valid[1]!;
    const entry = (await conn.query<{ Id: string; UnitPrice: number; Product2Id: string }>(`SELECT Id, UnitPrice, Product2Id FROM PricebookEntry WHERE CurrencyIsoCode = '${c.currency}' AND Product2.ProductCode = 'SSO-ADDON'`)).records[0]!;
    const byEntry = await conn.sobject('OpportunityLineItem').create({ OpportunityId: c.dealId, PricebookEntryId: entry.Id, Quantity: 2 });
    expect(byEntry.success).toBe(true);
    const product = (await conn.query<{ Id: string }>(`SELECT Id FROM Product2 WHERE ProductCode = 'TRAINING-DAY'`)).records[0]!;
    const byProduct = await conn.sobject('OpportunityLineItem').create({ OpportunityId: c.dealId, Product2Id: product.Id, Quantity: 3, UnitPrice: 1000 });
    expect(byProduct.success).toBe(true);
    const rows = await conn.query<Line & { Product2Id: string }>(`SELECT Id, Name, Quantity, UnitPrice, ListPrice, TotalPrice, Product2Id, PricebookEntryId, Product2.ProductCode, Product2.Name FROM OpportunityLineItem WHERE Id IN ('${byEntry.id}', '${byProduct.id}')`);
    const sso = rows.records.find((r) => r.Id === byEntry.id)!;
    expect(sso).toMatchObject({ Quantity: 2, UnitPrice: entry.UnitPrice, ListPrice: entry.UnitPrice, Product2Id: entry.Product2Id });
    expect(sso.TotalPrice).toBeCloseTo(2 * entry.UnitPrice, 2);
    expect(sso.Name.endsWith(sso.Product2!.Name)).toBe(true);
    const training = rows.records.find((r) => r.Id === byProduct.id)!;
    expect(training).toMatchObject({ Quantity: 3, UnitPrice: 1000, TotalPrice: 3000 });
    expect(training.Product2!.ProductCode).toBe('TRAINING-DAY');
    expect(training.PricebookEntryId.startsWith('01u')).toBe(true);
    await conn.sobject('OpportunityLineItem').destroy([byEntry.id!, byProduct.id!]);
  });

  it('refuses a price book entry in another currency, and a product link changed after create', async () => {
    const c = truth.salesforce.valid[0]!;
    const other = c.currency === 'USD' ? 'EUR' : 'USD';
    const entry = (await conn.query<{ Id: string }>(`SELECT Id FROM PricebookEntry WHERE CurrencyIsoCode = '${other}' AND Product2.ProductCode = 'SEAT-ADDON'`)).records[0]!;
    const mismatch = await failure(conn.sobject('OpportunityLineItem').create({ OpportunityId: c.dealId, PricebookEntryId: entry.Id, Quantity: 1 }));
    expect(mismatch.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(mismatch.message).toContain('currency');
    const line = (await conn.query<{ Id: string }>(`SELECT Id FROM OpportunityLineItem WHERE OpportunityId = '${c.dealId}' LIMIT 1`)).records[0]!;
    const relink = await failure(conn.sobject('OpportunityLineItem').update({ Id: line.Id, PricebookEntryId: entry.Id }));
    expect(relink.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('IsWon and IsClosed follow the stage; the package fields take the broker write-back on Opportunity and Account', async () => {
    const opp = (await conn.query<{ Id: string; AccountId: string }>(`SELECT Id, AccountId FROM Opportunity WHERE IsClosed = false AND Name LIKE '%(demo)%' LIMIT 1`)).records[0]!;
    // A scratch opportunity: the fixtures stay open for the other tests.
    const scratch = await conn.sobject('Opportunity').create({ Name: 'Write-back check', StageName: 'Prospecting', CloseDate: '2026-12-31', AccountId: opp.AccountId, CurrencyIsoCode: 'EUR' });
    await conn.sobject('Opportunity').update({ Id: scratch.id!, StageName: 'Closed Won', Concord_Order_Status__c: 'created', Concord_Order_Number__c: 'SO-000123', Concord_Erp_Customer_Id__c: '1042', Concord_Cs_Account_Id__c: 'a1b2', Concord_Order_Created_At__c: '2026-11-26T10:00:00.000Z' });
    const read = await conn.sobject('Opportunity').retrieve(scratch.id!) as unknown as Record<string, unknown>;
    expect(read).toMatchObject({ IsWon: true, IsClosed: true, CurrencyIsoCode: 'EUR', Concord_Order_Status__c: 'created', Concord_Order_Number__c: 'SO-000123', Concord_Erp_Customer_Id__c: '1042', Concord_Cs_Account_Id__c: 'a1b2' });
    expect(String(read.Concord_Order_Created_At__c)).toMatch(/^2026-11-26T10:00:00/);
    await conn.sobject('Opportunity').update({ Id: scratch.id!, StageName: 'Closed Lost' });
    expect(await conn.sobject('Opportunity').retrieve(scratch.id!)).toMatchObject({ IsWon: false, IsClosed: true });
    await conn.sobject('Account').update({ Id: opp.AccountId, Concord_Erp_Customer_Id__c: '1042', Concord_Cs_Account_Id__c: 'a1b2' });
    const acc = await conn.query<{ Concord_Erp_Customer_Id__c: string }>(`SELECT Concord_Erp_Customer_Id__c FROM Account WHERE Id = '${opp.AccountId}'`);
    expect(acc.records[0]!.Concord_Erp_Customer_Id__c).toBe('1042');
    await conn.sobject('Account').update({ Id: opp.AccountId, Concord_Erp_Customer_Id__c: null, Concord_Cs_Account_Id__c: null });
    const described = await conn.sobject('Opportunity').describe();
    expect(described.fields.filter((f) => f.name.startsWith('Concord_') && f.custom).map((f) => f.name)).toEqual(
      expect.arrayContaining(['Concord_Order_Status__c', 'Concord_Order_Number__c', 'Concord_Erp_Customer_Id__c', 'Concord_Cs_Account_Id__c', 'Concord_Order_Created_At__c']),
    );
  });

  it('the invalid fixtures: an unmapped product code and an account whose country is not a country', async () => {
    const unmapped = truth.salesforce.invalid.find((i) => i.reason === 'unmapped_sku')!;
    const codes = await conn.query<{ Product2: { ProductCode: string } }>(`SELECT Product2.ProductCode FROM OpportunityLineItem WHERE OpportunityId = '${unmapped.dealId}'`);
    expect(codes.records.map((r) => r.Product2.ProductCode)).toContain('PLAT-ULTIMATE');
    const nowhere = truth.salesforce.invalid.find((i) => i.reason === 'unknown_country')!;
    const acc = await conn.query<{ BillingCountry: string }>(`SELECT BillingCountry FROM Account WHERE Id = '${nowhere.companyId}'`);
    expect(acc.records[0]!.BillingCountry).not.toMatch(/^[A-Z]{2}$/);
  });
});
