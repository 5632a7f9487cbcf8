/**
 * The HubSpot card API inside workerd against the sandbox estate: requests signed as HubSpot
 * signs them (v3), tenant from the signed portal id only, company and deal views, not-linked
 * records, and the idempotent "Create follow-up task" checked in the sandbox's HubSpot.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from './helpers.js';
import {
  PORTAL,
  allAccounts,
  connectWithPortal,
  hubspotFetch,
  hubspotHeaders,
  hubspotViewPath,
  sandboxGet,
  syncIdentity,
  testEnv,
  type AccountItem,
} from './cards-helpers.js';
import { sandboxToken } from './helpers.js';

interface Problem {
  code: string;
  detail?: string;
  errors?: { path: string }[];
}
interface View {
  tenant: string;
  account: { id: string; name: string };
  receivables: unknown;
}

let key: string;
let account: AccountItem;
let companyId: string;
let dealId: string;

beforeAll(async () => {
  key = await connectWithPortal('demo');
  await connectWithPortal('other');
  await syncIdentity('demo', key);
  const accounts = await allAccounts('demo', key);
  const byCompany = new Map<string, AccountItem>();
  for (const a of accounts) for (const l of a.links) if (l.system === 'hubspot') byCompany.set(l.externalId, a);
  // A deal whose company is linked to an account that has ERP data.
  const deals = await sandboxGet<{ results: { id: string; associations?: { companies?: { results: { id: string }[] } } }[] }>(
    'hubspot',
    'demo',
    '/crm/v3/objects/deals?limit=100&associations=companies',
  );
  for (const d of deals.results) {
    const company = d.associations?.companies?.results[0]?.id;
    const linked = company ? byCompany.get(company) : undefined;
    if (company && linked?.links.some((l) => l.system === 'netsuite')) {
      account = linked;
      companyId = company;
      dealId = d.id;
      break;
    }
  }
  expect(dealId, 'the sandbox seeds deals on linked companies').toBeDefined();
});

describe('HubSpot card view', () => {
  it('serves the AccountView of a linked company to a signed request', async () => {
    const res = await hubspotFetch('GET', hubspotViewPath('companies', companyId));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const view = (await res.json()) as View;
    expect(view.tenant).toBe('demo');
    expect(view.account.id).toBe(account.id);
    // The company's account is linked to NetSuite, so its receivables are there, not a failure or an empty state.
    expect(view.receivables).toMatchObject({ state: 'ok', data: { currency: expect.stringMatching(/^[A-Z]{3}$/) } });
  });

  it('serves the same account for a deal associated with that company', async () => {
    const res = await hubspotFetch('GET', hubspotViewPath('deals', dealId));
    expect(res.status).toBe(200);
    expect(((await res.json()) as View).account.id).toBe(account.id);
    // HubSpot's object type id works as well, and refresh=1 rebuilds the view.
    const refreshed = await hubspotFetch('GET', `${hubspotViewPath('0-3', dealId)}&refresh=1`);
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as View).account.id).toBe(account.id);
  });

  it('answers 404 account_not_linked for a company no account is linked to', async () => {
    const token = await sandboxToken('hubspot', 'demo');
    const created = await fetch(`${testEnv.SANDBOX_URL}/hubspot/crm/v3/objects/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: `Brand New Prospect ${Date.now()}`, domain: `prospect-${Date.now()}.example` } }),
    });
    const fresh = (await created.json()) as { id: string };
    const res = await hubspotFetch('GET', hubspotViewPath('companies', fresh.id));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as Problem & { detail?: string };
    expect(problem.code).toBe('account_not_linked');
    // Not a dead end: it says why, and Concord resolves the company it had not seen right away.
    expect(problem.detail).toMatch(/had not seen this company yet and is looking for a match now/);
    let linked: Response | null = null;
    for (const until = Date.now() + 20_000; Date.now() < until && linked?.status !== 200; ) {
      await new Promise((ok) => setTimeout(ok, 100));
      linked = await hubspotFetch('GET', hubspotViewPath('companies', fresh.id));
    }
    // Nothing in the ERP or CS system is that prospect: it has an account of its own, and the card says what is not linked.
    expect(linked!.status).toBe(200);
    expect(((await linked!.json()) as { receivables: unknown }).receivables).toEqual({ state: 'not_linked' });
  });

  it('refuses unsigned, tampered, stale and wrongly keyed requests with 401 invalid_signature', async () => {
    const path = hubspotViewPath('companies', companyId);
    const unsigned = await api(path);
    const wrongKey = await hubspotFetch('GET', path, undefined, { secret: 'not-the-app-client-secret' });
    const stale = await hubspotFetch('GET', path, undefined, { timestamp: Date.now() - 301_000 });
    // Signed for one company, sent for another (the query is part of the signed URI).
    const signed = await hubspotFetch('GET', path);
    expect(signed.status).toBe(200);
    const tampered = await api(hubspotViewPath('companies', String(Number(companyId) + 1)), { headers: hubspotHeaders('GET', path, '') });
    for (const res of [unsigned, wrongKey, stale, tampered]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as Problem).code).toBe('invalid_signature');
    }
  });

  it("never shows demo's records to the other tenant's portal", async () => {
    const res = await hubspotFetch('GET', hubspotViewPath('companies', companyId, PORTAL.other));
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('account_not_linked');
    expect(text).not.toContain(account.id);
    // A tenant name in the query changes nothing: the tenant is the signed portal's.
    const withTenant = await hubspotFetch('GET', `${hubspotViewPath('companies', companyId, PORTAL.other)}&tenant=demo`);
    expect(withTenant.status).toBe(404);
  });

  it('answers 404 tenant_not_found for a portal no tenant has connected', async () => {
    const res = await hubspotFetch('GET', hubspotViewPath('companies', companyId, '99999999'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as Problem).code).toBe('tenant_not_found');
  });

  it('answers 400 naming the parameter for a bad object type', async () => {
    const res = await hubspotFetch('GET', hubspotViewPath('tickets', companyId));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors?.map((e) => e.path)).toContain('objectType');
  });
});

describe('HubSpot card follow-up task', () => {
  interface TaskRow {
    id: string;
    properties: Record<string, string | null>;
  }

  async function companyTasks(): Promise<TaskRow[]> {
    const assoc = await sandboxGet<{ results: { toObjectId: number }[] }>('hubspot', 'demo', `/crm/v4/objects/companies/${companyId}/associations/tasks`);
    return Promise.all(
      assoc.results.map((r) => sandboxGet<TaskRow>('hubspot', 'demo', `/crm/v3/objects/tasks/${r.toObjectId}?properties=hs_task_subject,hs_timestamp`)),
    );
  }

  it('creates one task on the company however often the same click is retried', async () => {
    const subject = `Call about overdue invoices ${Date.now()}`;
    const body = { objectType: 'deals', objectId: dealId, subject, dueDate: '2026-12-01' };
    const first = await hubspotFetch('POST', '/v1/cards/hubspot/tasks?portalId=24300001&userId=101&appId=42', body);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; replayed: boolean };
    expect(created.replayed).toBe(false);
    const again = await hubspotFetch('POST', '/v1/cards/hubspot/tasks?portalId=24300001&userId=101&appId=42', body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(created.id);

    const tasks = (await companyTasks()).filter((t) => t.properties.hs_task_subject === subject);
    expect(tasks.map((t) => t.id)).toEqual([created.id]);
    expect(tasks[0]!.properties.hs_timestamp).toMatch(/^2026-12-01/);

    // Audited under the canonical account, with the HubSpot user as actor.
    const audit = (await (await api(`/v1/tenants/demo/audit?entityType=account&entityId=${account.id}`, { key })).json()) as {
      items: { action: string; actor: string; after: { taskId: string } }[];
    };
    const entry = audit.items.find((i) => i.action === 'crm.task.create' && i.after.taskId === created.id);
    expect(entry?.actor).toBe(`hubspot_user:${PORTAL.demo}:101`);
  });

  it('refuses an Idempotency-Key reused for a different task with 409, creating nothing', async () => {
    const path = '/v1/cards/hubspot/tasks?portalId=24300001&userId=101&appId=42';
    const idemKey = `retry-${Date.now()}`;
    const send = async (subject: string) => {
      const text = JSON.stringify({ objectType: 'companies', objectId: companyId, subject, dueDate: '2026-12-02' });
      return api(path, { method: 'POST', headers: { ...hubspotHeaders('POST', path, text), 'idempotency-key': idemKey }, body: text });
    };
    const first = await send(`First ${idemKey}`);
    expect(first.status).toBe(201);
    const second = await send(`Second ${idemKey}`);
    expect(second.status).toBe(409);
    expect((await companyTasks()).filter((t) => t.properties.hs_task_subject === `Second ${idemKey}`)).toEqual([]);
  });

  it('refuses an invalid task with 422 naming each field', async () => {
    const res = await hubspotFetch('POST', '/v1/cards/hubspot/tasks?portalId=24300001&appId=42', { objectType: 'companies', objectId: companyId, subject: '  ', dueDate: '2026-02-30' });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['dueDate', 'subject']);
  });

  it('refuses a task request whose body was changed after signing', async () => {
    const path = '/v1/cards/hubspot/tasks?portalId=24300001&appId=42';
    const signedBody = JSON.stringify({ objectType: 'companies', objectId: companyId, subject: 'Signed subject', dueDate: '2026-12-01' });
    const res = await api(path, {
      method: 'POST',
      headers: hubspotHeaders('POST', path, signedBody),
      body: signedBody.replace('Signed subject', 'Forged subject'),
    });
    expect(res.status).toBe(401);
  });
});
