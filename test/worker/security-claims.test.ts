/**
 * Issue 8, item 2: a tenant's HubSpot portal and Salesforce org come from the vendor with the
 * token (HubSpot token metadata `hub_id`, Salesforce userinfo `organization_id`), never from the
 * request body; a portal or org held by another tenant is refused with 409 and audited, and the
 * operator can release it for its rightful owner. Inbound signing secrets only for the proven org.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { ORG, PORTAL } from './cards-helpers.js';
import { OPERATOR_KEY, approveFlow, call, consent, oauthEnv, provision, session } from './connect-flow.js';
import { sandboxToken } from './helpers.js';

const e = await oauthEnv(`claims-${crypto.randomUUID().slice(0, 8)}`);

// The sandbox has two portals and two orgs: each test starts with none of them claimed.
beforeEach(async () => {
  await e.DB.batch([e.DB.prepare('DELETE FROM connections'), e.DB.prepare('DELETE FROM inbound_secrets')]);
});

interface Problem {
  code: string;
  detail?: string;
  errors?: { path: string; code: string }[];
}

const connectWithToken = async (tenant: string, key: string, system: 'hubspot' | 'salesforce', sandboxTenant: 'demo' | 'other', extra: Record<string, unknown> = {}) =>
  call(e, `/v1/tenants/${tenant}/connections/${system}`, {
    method: 'PUT',
    key,
    body: JSON.stringify({ baseUrl: `${env.SANDBOX_URL}/${system}`, credentials: { type: 'bearer', accessToken: await sandboxToken(system, sandboxTenant) }, ...extra }),
  });

async function externalAccountOf(tenant: string, key: string, system: string): Promise<string | null | undefined> {
  const list = (await (await call(e, `/v1/tenants/${tenant}/connections`, { key })).json()) as { items: { system: string; externalAccount: string | null }[] };
  return list.items.find((i) => i.system === system)?.externalAccount;
}

describe('the portal / org comes from the vendor, with the token', () => {
  it('refuses an externalAccount in the body and records the portal HubSpot names for the token', async () => {
    const key = await provision(e, 'squat');
    // A token of the `other` portal, claiming the demo portal (read from a public tracking script).
    const claimed = await connectWithToken('squat', key, 'hubspot', 'other', { externalAccount: PORTAL.demo });
    expect(claimed.status).toBe(422);
    expect(await externalAccountOf('squat', key, 'hubspot')).toBeUndefined();
    const honest = await connectWithToken('squat', key, 'hubspot', 'other');
    expect(honest.status).toBe(200);
    expect(((await honest.json()) as { externalAccount: string }).externalAccount).toBe(PORTAL.other);
    expect(await externalAccountOf('squat', key, 'hubspot')).toBe(PORTAL.other);
  });

  it('records the org Salesforce names for the token (userinfo organization_id)', async () => {
    const key = await provision(e, 'sforg');
    const res = await connectWithToken('sforg', key, 'salesforce', 'other');
    expect(res.status).toBe(200);
    expect(await externalAccountOf('sforg', key, 'salesforce')).toBe(ORG.other);
  });

  it('takes the hub id of an OAuth install from HubSpot and the org id from Salesforce', async () => {
    const key = await provision(e, 'oauthy');
    const cookie = await session(e, 'oauthy', key);
    expect((await call(e, await approveFlow(e, 'oauthy', cookie, 'hubspot'), { cookie })).status).toBe(302);
    expect((await call(e, await approveFlow(e, 'oauthy', cookie, 'salesforce'), { cookie })).status).toBe(302);
    expect(await externalAccountOf('oauthy', key, 'hubspot')).toBe(PORTAL.demo);
    expect(await externalAccountOf('oauthy', key, 'salesforce')).toBe(ORG.demo);
  });
});

describe('a portal or org held by another tenant', () => {
  it('is refused with 409 external_account_claimed, audited, and the owner is told how to recover', async () => {
    const ownerKey = await provision(e, 'owner');
    expect((await connectWithToken('owner', ownerKey, 'hubspot', 'demo')).status).toBe(200);
    const rivalKey = await provision(e, 'rival');
    const res = await connectWithToken('rival', rivalKey, 'hubspot', 'demo', {});
    expect(res.status).toBe(409);
    const p = (await res.json()) as Problem;
    expect(p.code).toBe('external_account_claimed');
    expect(p.detail).toContain('/v1/operator/external-accounts/release');
    const audit = (await (await call(e, '/v1/tenants/rival/audit?entityType=connection', { key: rivalKey })).json()) as { items: { action: string; after: { externalAccount?: string } | null }[] };
    expect(audit.items.find((a) => a.action === 'connection.claim_refused')?.after?.externalAccount).toBe(PORTAL.demo);
    // The owner keeps it.
    expect(await externalAccountOf('owner', ownerKey, 'hubspot')).toBe(PORTAL.demo);

    // Through OAuth the same: the rival's callback is refused.
    const cookie = await session(e, 'rival', rivalKey);
    const start = await call(e, '/v1/tenants/rival/connect/hubspot/start', { cookie });
    const back = await consent(start.headers.get('location')!);
    const done = await call(e, back.pathname + back.search, { cookie });
    expect(done.status).toBe(409);
    expect(((await done.json()) as Problem).code).toBe('external_account_claimed');
  });

  it('is released by the operator for its rightful owner, who can then connect it (audited in the holder\'s log)', async () => {
    const squatKey = await provision(e, 'squatter');
    expect((await connectWithToken('squatter', squatKey, 'salesforce', 'other')).status).toBe(200);
    const ownerKey = await provision(e, 'rightful');
    expect((await connectWithToken('rightful', ownerKey, 'salesforce', 'other')).status).toBe(409);

    const body = JSON.stringify({ system: 'salesforce', externalAccount: ORG.other });
    expect((await call(e, '/v1/operator/external-accounts/release', { method: 'POST', key: 'not-the-operator-key-0123', body })).status).toBe(401);
    const released = await call(e, '/v1/operator/external-accounts/release', { method: 'POST', key: OPERATOR_KEY, body });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ system: 'salesforce', externalAccount: ORG.other, releasedFrom: 'squatter' });
    expect(await externalAccountOf('squatter', squatKey, 'salesforce')).toBeUndefined();
    const audit = (await (await call(e, '/v1/tenants/squatter/audit?entityType=connection', { key: squatKey })).json()) as { items: { action: string; actor: string }[] };
    expect(audit.items.find((a) => a.action === 'connection.released')?.actor).toBe('operator');

    expect((await connectWithToken('rightful', ownerKey, 'salesforce', 'other')).status).toBe(200);
    const again = await call(e, '/v1/operator/external-accounts/release', { method: 'POST', key: OPERATOR_KEY, body: JSON.stringify({ system: 'salesforce', externalAccount: '00D000000000000AAA' }) });
    expect(again.status).toBe(404);
  });
});

describe('POST /inbound-secrets/salesforce', () => {
  it('issues a signing secret only for the org the tenant has proven', async () => {
    const key = await provision(e, 'nosf');
    const unproven = await call(e, '/v1/tenants/nosf/inbound-secrets/salesforce', { method: 'POST', key, body: JSON.stringify({ orgId: ORG.demo }) });
    expect(unproven.status).toBe(409);
    expect(((await unproven.json()) as Problem).code).toBe('org_not_proven');

    expect((await connectWithToken('nosf', key, 'salesforce', 'demo')).status).toBe(200);
    const other = await call(e, '/v1/tenants/nosf/inbound-secrets/salesforce', { method: 'POST', key, body: JSON.stringify({ orgId: ORG.other }) });
    expect(other.status).toBe(409);
    expect(((await other.json()) as Problem).code).toBe('org_not_proven');
    const own = await call(e, '/v1/tenants/nosf/inbound-secrets/salesforce', { method: 'POST', key, body: JSON.stringify({ orgId: ORG.demo.slice(0, 15) }) });
    expect(own.status).toBe(201);
    // Without an orgId: the proven org.
    const rotated = await call(e, '/v1/tenants/nosf/inbound-secrets/salesforce', { method: 'POST', key, body: '{}' });
    expect(rotated.status).toBe(200);
    expect(await rotated.json()).toMatchObject({ orgId: ORG.demo, rotated: true });
  });
});
