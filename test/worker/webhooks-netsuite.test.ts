/**
 * `POST /v1/webhooks/netsuite` inside workerd, against the shared sandbox estate: the signing
 * secret is issued only for the NetSuite account the tenant's connection proved; events are
 * refused without a valid signature from that account's secret, outside the time window, or
 * naming another account; a valid one is answered 202, goes through the queue and is applied
 * once however often it is delivered (the consumer reads the record back from NetSuite).
 * Requests are signed with node:crypto, independently of the broker's verifier.
 */
import { env } from 'cloudflare:test';
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';
import { call, oauthEnv, provision } from './connect-flow.js';
import { api } from './helpers.js';

const TENANT = 'ns-push';
const PATH = '/v1/webhooks/netsuite';
const SANDBOX = (env as unknown as { SANDBOX_URL: string }).SANDBOX_URL;

let e: OAuthEnv;
let key: string;
let account: string;
let secret: string;

function sign(body: string, opts: { secret?: string; timestamp?: number; account?: string } = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now());
  const signature = createHmac('sha256', opts.secret ?? secret).update(`POST\n${PATH}\n${timestamp}\n${body}`).digest('base64');
  return { 'x-concord-account-id': opts.account ?? account, 'x-concord-timestamp': timestamp, 'x-concord-signature': signature, 'content-type': 'application/json' };
}

function event(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { accountId: account, recordType: 'customer', recordId: '1001', eventType: 'edit', lastModified: new Date().toISOString().replace(/\.\d{3}Z$/, '.000Z'), eventId: randomUUID(), ...over };
}

async function post(body: string, headers: Record<string, string>): Promise<Response> {
  return api(PATH, { method: 'POST', headers, body });
}

async function problem(res: Response): Promise<{ code: string; errors?: { path: string; code: string }[] }> {
  return (await res.json()) as { code: string; errors?: { path: string; code: string }[] };
}

beforeAll(async () => {
  // The broker's env with NetSuite's account URLs pointed at the sandbox (as for the M2M connect tests).
  e = await oauthEnv(`ns-push-${randomUUID().slice(0, 8)}`);
  key = await provision(e, TENANT);
  // Connected as a NetSuite admin would: M2M with the account's certificate, so NetSuite proves the account id.
  const creds = (await (await fetch(`${SANDBOX}/__sandbox/netsuite/demo-credentials?tenant=demo`)).json()) as Record<string, string>;
  const connected = await call(e, `/v1/tenants/${TENANT}/connections/netsuite`, { method: 'POST', key, body: JSON.stringify(creds) });
  expect(connected.status).toBe(201);
  account = creds.accountId!;
  const issued = await call(e, `/v1/tenants/${TENANT}/inbound-secrets/netsuite`, { method: 'POST', key });
  expect(issued.status).toBe(201);
  const body = (await issued.json()) as { secret: string; accountId: string; url: string };
  expect(body.accountId).toBe(account.toUpperCase());
  expect(body.url).toMatch(/\/v1\/webhooks\/netsuite$/);
  secret = body.secret;
});

describe('NetSuite change events', () => {
  it('issues a secret only for the account the connection proved', async () => {
    const other = await call(e, `/v1/tenants/${TENANT}/inbound-secrets/netsuite`, { method: 'POST', key, body: JSON.stringify({ accountId: '7654321' }) });
    expect(other.status).toBe(409);
    expect((await problem(other)).code).toBe('account_not_proven');
  });

  it('refuses a wrong secret, a stale or future timestamp, an unknown account and a missing signature (401)', async () => {
    const text = JSON.stringify(event());
    const cases: Record<string, string>[] = [
      sign(text, { secret: 'not-the-secret-0123456789abcdef' }),
      sign(text, { timestamp: Date.now() - 10 * 60_000 }),
      sign(text, { timestamp: Date.now() + 10 * 60_000 }),
      sign(text, { account: '9999999' }),
      (({ 'x-concord-signature': _s, ...rest }) => rest)(sign(text)),
    ];
    for (const headers of cases) {
      const res = await post(text, headers);
      expect(res.status).toBe(401);
      expect((await problem(res)).code).toBe('invalid_signature');
    }
    // A body changed after signing.
    const tampered = await post(text.replace('"edit"', '"delete"'), sign(text));
    expect(tampered.status).toBe(401);
  });

  it('answers signed bad bodies with 400/422 and the field path', async () => {
    const notJson = '{"accountId":';
    expect((await post(notJson, sign(notJson))).status).toBe(400);
    const badType = JSON.stringify(event({ recordType: 'journalentry' }));
    const res = await post(badType, sign(badType));
    expect(res.status).toBe(422);
    expect((await problem(res)).errors!.map((e) => e.path)).toContain('recordType');
    const otherAccount = JSON.stringify(event({ accountId: '1234567' }));
    const mismatch = await post(otherAccount, sign(otherAccount));
    expect(mismatch.status).toBe(422);
    expect((await problem(mismatch)).errors).toEqual([expect.objectContaining({ path: 'accountId', code: 'account_mismatch' })]);
  });

  it('accepts a valid event (202) and applies it once, however often it is delivered', async () => {
    const lastModified = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const text = JSON.stringify(event({ recordId: '1002', lastModified }));
    for (let i = 0; i < 3; i++) {
      const res = await post(text, sign(text));
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: true });
    }
    // The queue consumer reads customer 1002 back from the sandbox NetSuite and records it once.
    const rows = async () =>
      (await env.DB.prepare("SELECT status FROM events WHERE tenant_id = ? AND system = 'netsuite' AND object_id = '1002'").bind(TENANT).all<{ status: string }>()).results;
    let found = await rows();
    for (const until = Date.now() + 20_000; Date.now() < until && found.length === 0; ) {
      await new Promise((r) => setTimeout(r, 100));
      found = await rows();
    }
    await new Promise((r) => setTimeout(r, 1_000));
    found = await rows();
    expect(found).toHaveLength(1);
    expect(found[0]!.status).toBe('applied');
  });
});
