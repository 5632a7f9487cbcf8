/**
 * Issue 8, item 6: vault rotation re-seals every sealed value (one registry of sealed columns,
 * inbound_secrets included) and reports per table; a secret that cannot be opened is a clear,
 * audited problem+json refusal, never a 500.
 */
import { env } from 'cloudflare:test';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEALED_COLUMNS } from '../../worker/storage/sealed-columns.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';
import { ORG } from './cards-helpers.js';
import { OPERATOR_KEY, call, oauthEnv, provision } from './connect-flow.js';
import { sandboxToken } from './helpers.js';

const base = await oauthEnv(`vreg-${crypto.randomUUID().slice(0, 8)}`);
const NEW_KEY = 'k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8';
const rotated: OAuthEnv = { ...base, CONCORD_VAULT_KEYS: `${NEW_KEY},${base.CONCORD_VAULT_KEYS}` };
const newOnly: OAuthEnv = { ...base, CONCORD_VAULT_KEYS: NEW_KEY };

async function salesforceWithSecret(tenant: string): Promise<{ key: string; secret: string }> {
  const key = await provision(base, tenant);
  const res = await call(base, `/v1/tenants/${tenant}/connections/salesforce`, {
    method: 'PUT',
    key,
    body: JSON.stringify({ baseUrl: `${env.SANDBOX_URL}/salesforce`, credentials: { type: 'bearer', accessToken: await sandboxToken('salesforce', 'demo') } }),
  });
  if (res.status !== 200) throw new Error(`connect: ${res.status} ${await res.text()}`);
  const issued = await call(base, `/v1/tenants/${tenant}/inbound-secrets/salesforce`, { method: 'POST', key, body: JSON.stringify({ orgId: ORG.demo }) });
  if (issued.status !== 201 && issued.status !== 200) throw new Error(`secret: ${issued.status} ${await issued.text()}`);
  return { key, secret: ((await issued.json()) as { secret: string }).secret };
}

/** A callout as the Salesforce package signs it. */
function callout(e: OAuthEnv, secret: string): Promise<Response> {
  const path = '/v1/cards/salesforce/view?objectType=Account&recordId=001000000000001AAA';
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', secret).update(`GET\n${path}\n${timestamp}\n`).digest('base64');
  return call(e, path, { headers: { 'x-concord-org-id': ORG.demo, 'x-concord-timestamp': timestamp, 'x-concord-signature': signature } });
}

interface TableReport {
  resealed: number;
  alreadyCurrent: number;
  failed: unknown[];
}

describe('vault rotation covers every sealed column', () => {
  it('re-seals inbound secrets too, reports per table, and callouts verify with only the new key', async () => {
    const { secret } = await salesforceWithSecret('acme');
    expect((await callout(base, secret)).status).not.toBe(401);
    const res = await call(rotated, '/v1/operator/vault/rotate', { method: 'POST', key: OPERATOR_KEY });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { activeKeyId: string; tables: Record<string, TableReport> };
    expect(report.activeKeyId).toBe('k2');
    expect(Object.keys(report.tables).sort()).toEqual(['connections', 'inbound_secrets', 'oauth_states']);
    expect(report.tables['inbound_secrets']).toMatchObject({ resealed: 1, failed: [] });
    expect(report.tables['connections']).toMatchObject({ resealed: 1, failed: [] });
    const kids = (await base.DB.prepare('SELECT secret_kid AS kid FROM inbound_secrets').all<{ kid: string }>()).results.map((r) => r.kid);
    expect(kids).toEqual(['k2']);
    // The old key removed as the docs instruct: the org's callouts still verify.
    const after = await callout(newOnly, secret);
    expect(after.status).not.toBe(401);
    expect(after.status).toBeLessThan(500);
  });

  it('registers every *_ct column of the schema (a new sealed column cannot be forgotten)', async () => {
    // D1 refuses PRAGMA table_info: read the columns from each table's CREATE statement.
    const { results } = await base.DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").all<{ name: string; sql: string }>();
    const inSchema = results.flatMap((t) => [...t.sql.matchAll(/[(,]\s*([a-z_]+_ct)\s/g)].map((m) => `${t.name}.${m[1]}`)).sort();
    expect(inSchema).toContain('inbound_secrets.secret_ct');
    const registered = SEALED_COLUMNS.flatMap((t) => t.columns.map((c) => `${t.table}.${c}_ct`)).sort();
    expect(registered).toEqual(inSchema);
  });
});

describe('a secret that cannot be opened', () => {
  it('is a clear problem+json refusal, audited, never a 500', async () => {
    const { key, secret } = await salesforceWithSecret('acme');
    // The old key was dropped without rotating first.
    const res = await callout(newOnly, secret);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const p = (await res.json()) as { code: string; detail: string };
    expect(p.code).toBe('inbound_secret_unreadable');
    expect(p.detail).toContain('inbound-secrets/salesforce');
    const audit = (await (await call(base, '/v1/tenants/acme/audit', { key })).json()) as { items: { action: string }[] };
    expect(audit.items.map((a) => a.action)).toContain('inbound_secret.unreadable');
  });
});
