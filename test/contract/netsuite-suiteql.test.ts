/**
 * SuiteQL over HTTP with plain fetch, in NetSuite's documented request shape (POST
 * …/query/v1/suiteql, `{"q": …}`, `Prefer: transient`): dates in the account's date-format
 * preference (changed through the sandbox admin), record/v1 staying ISO, the SQL subset
 * integrations use (joins, GROUP BY, BUILTIN.DF, TO_CHAR/TO_DATE, BETWEEN, CASE, NVL, arithmetic,
 * FETCH FIRST, ROWNUM) and NetSuite's error answer for what stays unsupported. Runs on its own
 * sandbox because the date preference is account-wide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

let listener: SandboxListener;
let base: string;
let headers: Record<string, string>;

beforeAll(async () => {
  listener = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  base = `${listener.url}/netsuite/services/rest`;
  const res = await fetch(`${listener.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo' }) });
  headers = { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json', prefer: 'transient' };
});
afterAll(() => listener.close());

type Item = Record<string, unknown>;
async function suiteql(q: string, limit = 1000): Promise<{ items: Item[]; totalResults: number; count: number; hasMore: boolean }> {
  const res = await fetch(`${base}/query/v1/suiteql?limit=${limit}&offset=0`, { method: 'POST', headers, body: JSON.stringify({ q }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { items: Item[]; totalResults: number; count: number; hasMore: boolean };
}
const strip = (items: Item[]) => items.map(({ links: _l, ...rest }) => rest);
async function preferences(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${listener.url}/__sandbox/netsuite/preferences`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', ...body }) });
}

describe("dates follow the account's date-format preference", () => {
  it('answers M/D/YYYY by default, DD.MM.YYYY once the account says so, and record/v1 stays ISO', async () => {
    const q = "SELECT id, trandate, lastmodifieddate, TO_CHAR(trandate, 'YYYY-MM-DD') AS iso FROM transaction WHERE type = 'CustInvc' ORDER BY id FETCH FIRST 1 ROWS ONLY";
    const [us] = (await suiteql(q)).items;
    const iso = String(us!.iso);
    const [y, m, d] = iso.split('-').map(Number);
    expect(us!.trandate).toBe(`${m}/${d}/${y}`);
    expect(us!.lastmodifieddate).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2} (am|pm)$/);

    expect((await preferences({ dateFormat: 'DD.MM.YYYY', timeFormat: 'H:mm' })).status).toBe(200);
    try {
      const [eu] = (await suiteql(q)).items;
      expect(eu!.trandate).toBe(`${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`);
      expect(eu!.lastmodifieddate).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{1,2}:\d{2}$/);
      // Text compared with a date is read in the account's format (Oracle's NLS_DATE_FORMAT) …
      const before = await suiteql(`SELECT COUNT(*) AS n FROM transaction WHERE trandate < '${eu!.trandate}'`);
      const beforeIso = await suiteql(`SELECT COUNT(*) AS n FROM transaction WHERE trandate < TO_DATE('${iso}', 'YYYY-MM-DD')`);
      expect(before.items[0]!.n).toBe(beforeIso.items[0]!.n);
      // … so an M/D/YYYY literal no longer fits, and NetSuite says so.
      const wrong = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers, body: JSON.stringify({ q: `SELECT id FROM transaction WHERE trandate < '${m}/${d}/${y}'` }) });
      expect(wrong.status).toBe(400);
      const record = (await (await fetch(`${base}/record/v1/invoice/${us!.id}`, { headers })).json()) as { tranDate: string; lastModifiedDate: string };
      expect(record.tranDate).toBe(iso);
      expect(record.lastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    } finally {
      expect((await preferences({ dateFormat: 'M/D/YYYY', timeFormat: 'h:mm a' })).status).toBe(200);
    }
  });

  it('refuses an unknown preference with a 400 naming the choices', async () => {
    const res = await preferences({ dateFormat: 'YYYYMMDD' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('invalid_preferences');
    const now = (await (await fetch(`${listener.url}/__sandbox/netsuite/preferences?tenant=demo`)).json()) as { dateFormat: string };
    expect(now.dateFormat).toBe('M/D/YYYY');
  });

  it('finds changes since a moment with lastmodifieddate and TO_DATE', async () => {
    const all = await suiteql("SELECT COUNT(*) AS n FROM customer WHERE lastmodifieddate >= TO_DATE('2000-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS')");
    const recent = await suiteql("SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS changed FROM customer WHERE lastmodifieddate > TO_DATE('2026-11-19 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate DESC");
    expect(recent.totalResults).toBeGreaterThan(0);
    expect(recent.totalResults).toBeLessThan(Number(all.items[0]!.n));
    expect(recent.items.every((i) => String(i.changed) > '2026-11-19 00:00:00')).toBe(true);
  });
});

describe('the SQL integrations send', () => {
  it('joins transaction, transactionline and customer (ANSI and non-ANSI give the same rows)', async () => {
    const ansi = await suiteql(`SELECT t.id, t.tranid, c.companyname, tl.foreignamount FROM transaction t
      INNER JOIN transactionline tl ON tl.transaction = t.id INNER JOIN customer c ON c.id = t.entity
      WHERE t.type = 'CustInvc' AND tl.mainline = 'F' AND t.entity = 1000 ORDER BY t.id, tl.linesequencenumber`);
    const plain = await suiteql(`SELECT t.id, t.tranid, c.companyname, tl.foreignamount FROM transaction t, transactionline tl, customer c
      WHERE tl.transaction = t.id AND c.id = t.entity AND t.type = 'CustInvc' AND tl.mainline = 'F' AND t.entity = 1000 ORDER BY t.id, tl.linesequencenumber`);
    expect(ansi.totalResults).toBeGreaterThan(0);
    expect(strip(plain.items)).toEqual(strip(ansi.items));
    const customer = (await (await fetch(`${base}/record/v1/customer/1000`, { headers })).json()) as { companyName: string };
    expect(ansi.items.every((i) => i.companyname === customer.companyName)).toBe(true);
  });

  it('groups open receivables per customer with SUM/COUNT/MAX, BUILTIN.DF and HAVING', async () => {
    const grouped = await suiteql(`SELECT t.entity, BUILTIN.DF(t.entity) AS customer, BUILTIN.DF(t.currency) AS currency, COUNT(*) AS invoices,
      SUM(t.foreignamountremaining) AS open_ar, MAX(t.duedate) AS last_due FROM transaction t
      WHERE t.type = 'CustInvc' AND t.foreignamountremaining > 0 GROUP BY t.entity, t.currency HAVING COUNT(*) >= 2 ORDER BY SUM(t.foreignamountremaining) DESC`);
    expect(grouped.totalResults).toBeGreaterThan(5);
    const top = grouped.items[0]!;
    const rows = await suiteql(`SELECT foreignamountremaining FROM transaction WHERE type = 'CustInvc' AND foreignamountremaining > 0 AND entity = ${top.entity}`);
    const sum = rows.items.reduce((a, i) => a + Number(i.foreignamountremaining), 0);
    expect(top.open_ar).toBeCloseTo(sum, 2);
    expect(top.invoices).toBe(rows.totalResults);
    expect(String(top.customer)).toMatch(/^CUST-\d{5} /);
    expect(['US Dollar', 'Euro', 'British Pound', 'Canadian Dollar']).toContain(top.currency);
    expect(top.last_due).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
  });

  it('evaluates CASE, NVL, BETWEEN and arithmetic, and limits with FETCH FIRST and ROWNUM', async () => {
    const aged = await suiteql(`SELECT id, CASE WHEN duedate < TO_DATE('2026-11-26', 'YYYY-MM-DD') THEN 'overdue' ELSE 'current' END AS bucket,
      foreigntotal - foreignamountremaining AS paid, NVL(memo, 'none') AS memo FROM transaction
      WHERE type = 'CustInvc' AND status = 'A' AND trandate BETWEEN TO_DATE('2026-01-01', 'YYYY-MM-DD') AND TO_DATE('2026-11-26', 'YYYY-MM-DD')
      ORDER BY foreignamountremaining DESC FETCH FIRST 5 ROWS ONLY`);
    expect(aged.totalResults).toBe(5);
    expect(aged.items.every((i) => ['overdue', 'current'].includes(String(i.bucket)) && typeof i.paid === 'number' && typeof i.memo === 'string')).toBe(true);
    const firstTen = await suiteql('SELECT id FROM customer WHERE ROWNUM <= 10');
    expect(firstTen.totalResults).toBe(10);
  });

  it("answers unsupported SuiteQL with NetSuite's 400 INVALID_PARAMETER shape", async () => {
    for (const q of ['SELECT id FROM customer UNION SELECT id FROM transaction', 'SELECT id FROM customer WHERE id IN (SELECT entity FROM transaction)', 'SELECT t.id FROM transaction t, currency x JOIN customer c ON c.id = t.entity']) {
      const res = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers, body: JSON.stringify({ q }) });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/vnd.oracle.resource+json');
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['o:errorDetails', 'status', 'title', 'type']);
      expect(body).toMatchObject({ status: 400, title: 'Bad Request', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1' });
      const [detail] = body['o:errorDetails'] as Record<string, string>[];
      expect(detail).toMatchObject({ 'o:errorCode': 'INVALID_PARAMETER', 'o:errorQueryParam': 'q' });
      expect(detail!.detail).toMatch(/^Invalid search query\. Detailed unprocessed description follows\. Search error occurred: Invalid or unsupported search\./);
    }
    const unknownTable = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers, body: JSON.stringify({ q: 'SELECT id FROM customers' }) });
    expect(((await unknownTable.json()) as { 'o:errorDetails': { detail: string }[] })['o:errorDetails'][0]!.detail).toBe('Invalid search query. Detailed unprocessed description follows. Invalid search type: customers.');
  });
});

describe('a record write shows in the next query', () => {
  // SuiteQL keeps its indexes and derived tables (transaction lines, addresses) between queries
  // while the account's records are unchanged; a REST write must drop them at once.
  it("an invoice's new lines and memo and its customer's new name are read back at once, by id and through joins", async () => {
    const [inv] = (await suiteql("SELECT t.id, t.entity FROM transaction t WHERE t.type = 'CustInvc' AND t.foreignamountremaining = t.foreigntotal ORDER BY t.id FETCH FIRST 1 ROWS ONLY")).items;
    const id = String(inv!.id);
    const entity = String(inv!.entity);
    const lines = `SELECT tl.linesequencenumber, tl.foreignamount FROM transactionline tl WHERE tl.transaction = ${id} AND tl.mainline = 'F' ORDER BY tl.linesequencenumber`;
    const joined = `SELECT c.companyname, t.memo FROM customer c JOIN transaction t ON t.entity = c.id WHERE c.id = ${entity} AND t.id = ${id}`;
    // Build what is kept: the lines table, the id index, the join's hash on transaction.entity.
    await suiteql(lines);
    await suiteql(joined);
    const patch = (path: string, body: unknown) => fetch(`${base}/record/v1/${path}`, { method: 'PATCH', headers, body: JSON.stringify(body) });
    expect((await patch(`invoice/${id}`, { memo: 'Read me back', item: { items: [{ item: { id: '201' }, quantity: 2, rate: 7777 }, { item: { id: '201' }, quantity: 1, rate: 1 }] } })).status).toBe(204);
    expect((await patch(`customer/${entity}`, { companyName: 'Renamed Right Away Ltd' })).status).toBe(204);
    expect(strip((await suiteql(lines)).items)).toEqual([
      { linesequencenumber: 1, foreignamount: 15554 },
      { linesequencenumber: 2, foreignamount: 1 },
    ]);
    expect((await suiteql(joined)).items).toMatchObject([{ companyname: 'Renamed Right Away Ltd', memo: 'Read me back' }]);
  });
});
