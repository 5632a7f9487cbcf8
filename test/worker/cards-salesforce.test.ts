/**
 * The Salesforce component's endpoint inside workerd against the sandbox estate: signing secrets
 * issued per org (sealed, returned once, rotated with a grace period), callouts signed exactly as
 * ConcordClient signs them, Account and Opportunity views, and tenant isolation by org.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORG, allAccounts, connectWithPortal, salesforceFetch, sandboxGet, syncIdentity, testEnv } from './cards-helpers.js';
import { api, connectAll, provision, sandboxToken } from './helpers.js';

interface Truth {
  hubspotCompanyIds: string[];
  salesforceAccountIds: string[];
}
interface Problem {
  code: string;
  errors?: { path: string }[];
}

let key: string;
let secret: string;
let accountId: string;
let sfAccountId: string;
let opportunityId: string;
let unlinkedSfAccountId: string;

const viewPath = (objectType: string, recordId: string, extra = '') => `/v1/cards/salesforce/view?objectType=${objectType}&recordId=${recordId}${extra}`;

async function issueSecret(tenant: string, tenantKey: string, orgId: string): Promise<Response> {
  return api(`/v1/tenants/${tenant}/inbound-secrets/salesforce`, { method: 'POST', key: tenantKey, body: JSON.stringify({ orgId }) });
}

beforeAll(async () => {
  key = await connectWithPortal('demo');
  const connected = await api('/v1/tenants/demo/connections/salesforce', {
    method: 'PUT',
    key,
    body: JSON.stringify({ baseUrl: `${testEnv.SANDBOX_URL}/salesforce`, credentials: { type: 'bearer', accessToken: await sandboxToken('salesforce', 'demo') } }),
  });
  expect(connected.status).toBe(200);
  await syncIdentity('demo', key);

  // Identity sync joins each Salesforce Account to the canonical account of the same customer.
  const truth = (await (await fetch(`${testEnv.SANDBOX_URL}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
  const accounts = await allAccounts('demo', key);
  const byCompany = new Map(accounts.flatMap((a) => a.links.filter((l) => l.system === 'hubspot').map((l) => [l.externalId, a.id] as const)));
  for (const t of truth) {
    const linked = t.hubspotCompanyIds.map((id) => byCompany.get(id)).find(Boolean);
    if (!linked || t.salesforceAccountIds.length === 0) continue;
    const opps = await sandboxGet<{ records: { Id: string }[] }>(
      'salesforce',
      'demo',
      `/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id FROM Opportunity WHERE AccountId = '${t.salesforceAccountIds[0]}'`)}`,
    );
    if (opps.records.length === 0) continue;
    accountId = linked;
    sfAccountId = t.salesforceAccountIds[0]!;
    opportunityId = opps.records[0]!.Id;
    break;
  }
  expect(opportunityId, 'the sandbox seeds Opportunities on Accounts of linked customers').toBeDefined();
  expect(accounts.find((a) => a.id === accountId)!.links).toContainEqual(expect.objectContaining({ system: 'salesforce', externalId: sfAccountId }));
  // An Account created after the sync is linked to nothing yet.
  const created = await fetch(`${testEnv.SANDBOX_URL}/salesforce/services/data/v62.0/sobjects/Account`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sandboxToken('salesforce', 'demo')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ Name: 'Brand New Prospect Ltd' }),
  });
  expect(created.status).toBe(201);
  unlinkedSfAccountId = ((await created.json()) as { id: string }).id;

  const issued = await issueSecret('demo', key, ORG.demo);
  expect(issued.status).toBe(201);
  secret = ((await issued.json()) as { secret: string }).secret;
});

describe('Salesforce signing secrets', () => {
  it('are returned once and stored sealed, never in plain text', async () => {
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = JSON.stringify((await env.DB.prepare('SELECT * FROM inbound_secrets').all()).results);
    expect(rows).toContain(ORG.demo);
    expect(rows).not.toContain(secret);
    const audit = JSON.stringify(await (await api('/v1/tenants/demo/audit?entityType=inbound_secret', { key })).json());
    expect(audit).toContain('inbound_secret.create');
    expect(audit).not.toContain(secret);
  });

  it("cannot be issued for an org another tenant registered", async () => {
    const otherKey = await provision('other');
    const res = await issueSecret('other', otherKey, ORG.demo);
    expect(res.status).toBe(409);
    // Nor with another tenant's API key on demo's path.
    expect((await issueSecret('demo', otherKey, ORG.demo)).status).toBe(403);
  });

  it('refuses a malformed org id with 422 naming it', async () => {
    const res = await issueSecret('demo', key, '001000000000001AAA');
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors?.map((e) => e.path)).toEqual(['orgId']);
  });
});

describe('Salesforce card view', () => {
  it('serves the AccountView of a linked Account to a signed callout', async () => {
    const res = await salesforceFetch(viewPath('Account', sfAccountId), secret);
    expect(res.status).toBe(200);
    const view = (await res.json()) as { tenant: string; account: { id: string }; schemaVersion: number };
    expect(view).toMatchObject({ tenant: 'demo', schemaVersion: 3, account: { id: accountId } });
  });

  it("serves the Account's view for one of its Opportunities", async () => {
    const res = await salesforceFetch(viewPath('Opportunity', opportunityId, '&refresh=true'), secret);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { account: { id: string } }).account.id).toBe(accountId);
  });

  it('answers 404 account_not_linked for an Account no account is linked to', async () => {
    const res = await salesforceFetch(viewPath('Account', unlinkedSfAccountId), secret);
    expect(res.status).toBe(404);
    const problem = (await res.json()) as Problem & { detail?: string };
    expect(problem.code).toBe('account_not_linked');
    // It says why, and Concord resolves the Account it had not seen: the component's Retry then shows it.
    expect(problem.detail).toMatch(/had not seen this company yet/);
    let status = 404;
    for (const until = Date.now() + 20_000; Date.now() < until && status !== 200; ) {
      await new Promise((ok) => setTimeout(ok, 100));
      status = (await salesforceFetch(viewPath('Account', unlinkedSfAccountId), secret)).status;
    }
    expect(status).toBe(200);
  });

  it('refuses wrong secrets, stale timestamps, unknown orgs and tampered paths with 401', async () => {
    const path = viewPath('Account', sfAccountId);
    const responses = [
      await salesforceFetch(path, 'not-the-secret-of-this-org-0123456789'),
      await salesforceFetch(path, secret, { timestamp: Date.now() - 6 * 60_000 }),
      await salesforceFetch(path, secret, { orgId: '00D5g00000UNKN1EAA' }),
      await api(path),
    ];
    // A valid signature for another record of the org is accepted (not 401). That Account was not
    // linked when the card first asked and was resolved then (an account of its own), so it is served.
    const signed = await salesforceFetch(viewPath('Account', unlinkedSfAccountId), secret);
    expect(signed.status).toBe(200);
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as Problem).code).toBe('invalid_signature');
    }
  });

  it("never answers for another tenant's org, even with demo's record ids", async () => {
    // The other tenant proves its own org by connecting its Salesforce.
    const otherKey = await connectAll('other');
    const issued = await issueSecret('other', otherKey, ORG.other);
    const otherSecret = ((await issued.json()) as { secret: string }).secret;
    const res = await salesforceFetch(viewPath('Account', sfAccountId), otherSecret, { orgId: ORG.other });
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('account_not_linked');
    expect(text).not.toContain(accountId);
    // demo's secret does not open the other org either.
    expect((await salesforceFetch(viewPath('Account', sfAccountId), secret, { orgId: ORG.other })).status).toBe(401);
  });

  it('keeps the previous secret valid after a rotation, and the new one works at once', async () => {
    const rotated = await issueSecret('demo', key, ORG.demo);
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as { secret: string; rotated: boolean; previousValidUntil: string };
    expect(body.rotated).toBe(true);
    expect(Date.parse(body.previousValidUntil) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    expect((await salesforceFetch(viewPath('Account', sfAccountId), body.secret)).status).toBe(200);
    expect((await salesforceFetch(viewPath('Account', sfAccountId), secret)).status).toBe(200);
    secret = body.secret;
  });

  it('answers 400 for a record id of the wrong object type', async () => {
    const res = await salesforceFetch(viewPath('Opportunity', sfAccountId), secret);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors?.map((e) => e.path)).toContain('recordId');
  });
});
