/**
 * The write guard in front of every vendor write: the bulk CRM facts route writes what the
 * tenant's ownership matrix allows, records what it refuses (visible at /write-refusals and in
 * the audit log, under the request's correlation id), and ports refuse writes nobody declared.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import { ConcordError } from '../../worker/errors.js';
import { createLogger } from '../../worker/ops/log.js';
import { portsFor } from '../../worker/ports/registry.js';
import { serviceContext } from '../../worker/services/context.js';
import { api, provision, sandboxToken } from './helpers.js';

const TENANT = 'guard-t';
/** The sandbox portal behind the tenant's HubSpot connection. */
const PORTAL = 'other';

let key: string;
let hubspotToken: string;

async function sandboxCompany(id: string): Promise<Record<string, string | null>> {
  const res = await fetch(`${env.SANDBOX_URL}/hubspot/crm/v3/objects/companies/${id}?properties=concord_health_score,concord_open_ar`, { headers: { authorization: `Bearer ${hubspotToken}` } });
  return ((await res.json()) as { properties: Record<string, string | null> }).properties;
}

beforeAll(async () => {
  key = await provision(TENANT);
  hubspotToken = await sandboxToken('hubspot', PORTAL);
  const res = await api(`/v1/tenants/${TENANT}/connections/hubspot`, {
    method: 'PUT',
    key,
    body: JSON.stringify({ baseUrl: `${env.SANDBOX_URL}/hubspot`, credentials: { type: 'bearer', accessToken: hubspotToken } }),
  });
  if (!res.ok) throw new Error(`connect hubspot: ${res.status} ${await res.text()}`);
});

describe('write guard', () => {
  it('writes the allowed facts, refuses the field the tenant gave to the CRM, and records the refusal', async () => {
    // This tenant's CRM team owns the health score: Concord must not overwrite it from the CS system.
    const own = await api(`/v1/tenants/${TENANT}/ownership`, { key });
    const rules = ((await own.json()) as { rules: { entity: string; field: string; owner: string }[] }).rules.map(({ entity, field, owner }) => ({ entity, field, owner }));
    rules.push({ entity: 'health', field: 'score', owner: 'crm' });
    expect((await api(`/v1/tenants/${TENANT}/ownership`, { method: 'PUT', key, body: JSON.stringify({ rules }) })).status).toBe(200);

    const list = await fetch(`${env.SANDBOX_URL}/hubspot/crm/v3/objects/companies?limit=1`, { headers: { authorization: `Bearer ${hubspotToken}` } });
    const companyId = ((await list.json()) as { results: { id: string }[] }).results[0]!.id;
    const before = await sandboxCompany(companyId);
    const openAr = 1000 + Math.floor(Math.random() * 1000);

    const res = await api(`/v1/tenants/${TENANT}/ops/crm/company-updates`, {
      method: 'POST',
      key,
      headers: { 'x-correlation-id': 'guard-test-1' },
      body: JSON.stringify({ updates: [{ externalId: companyId, facts: { healthScore: 7, openAr } }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ system: 'hubspot', updated: 1, failed: [], refused: [{ attribute: 'healthScore', field: 'health.score', owner: 'crm' }] });

    const after = await sandboxCompany(companyId);
    expect(after.concord_open_ar).toBe(String(openAr));
    expect(after.concord_health_score ?? null).toBe(before.concord_health_score ?? null);

    const refusals = (await (await api(`/v1/tenants/${TENANT}/write-refusals`, { key })).json()) as { items: Record<string, unknown>[] };
    const mine = refusals.items.find((r) => r.correlationId === 'guard-test-1');
    expect(mine).toMatchObject({ flow: 'ops.company-updates', targetSystem: 'hubspot', source: 'cs', entity: 'account', recordId: companyId, attribute: 'healthScore', field: 'health.score', owner: 'crm', reason: 'not_owner', attempted: 7 });

    const audit = (await (await api(`/v1/tenants/${TENANT}/audit`, { key })).json()) as { items: { action: string; correlationId: string }[] };
    expect(audit.items.filter((a) => a.correlationId === 'guard-test-1').map((a) => a.action).sort()).toEqual(['crm.facts.bulk_write', 'write.refused']);
  });

  it('writes nothing at all when every fact is refused', async () => {
    const list = await fetch(`${env.SANDBOX_URL}/hubspot/crm/v3/objects/companies?limit=2`, { headers: { authorization: `Bearer ${hubspotToken}` } });
    const companyId = ((await list.json()) as { results: { id: string }[] }).results[1]!.id;
    const res = await api(`/v1/tenants/${TENANT}/ops/crm/company-updates`, { method: 'POST', key, body: JSON.stringify({ updates: [{ externalId: companyId, facts: { healthScore: 9 } }] }) });
    expect(await res.json()).toMatchObject({ updated: 0, calls: 0, refused: [{ attribute: 'healthScore' }] });
  });

  it('refuses a vendor write that has no guard rule instead of sending it', async () => {
    const ctx = serviceContext(env as unknown as Env, { tenantId: TENANT, correlationId: 'guard-test-3', log: createLogger('error') });
    const crm = (await portsFor(env as unknown as Env, ctx, { flow: 'test', actor: 'test' }).crm('hubspot')) as unknown as { updateCompanies(u: unknown[]): Promise<unknown> };
    const err = await crm.updateCompanies([{ externalId: '1', properties: { name: 'x' } }]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).error).toMatchObject({ kind: 'internal' });
  });
});
