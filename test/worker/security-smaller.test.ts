/**
 * Issue 8, item 8 (the smaller ones): redirect_uri and the cookie's Secure flag come from
 * CONCORD_PUBLIC_URL, which is required outside development (never from the Host header); the
 * operator API answers 409 for an API key of another tenant; the 256 KB JSON body limit counts
 * bytes and stops reading at the limit.
 */
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/http/app.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';
import { OPERATOR_KEY, call, keyFor, oauthEnv, provision } from './connect-flow.js';

const dev = await oauthEnv(`small-${crypto.randomUUID().slice(0, 8)}`);
/** Production: no development mode, vendor URLs at their real defaults. */
const prodNoUrl: OAuthEnv = {
  ...dev,
  CONCORD_DEV_MODE: undefined,
  HUBSPOT_AUTH_URL: undefined,
  HUBSPOT_API_URL: undefined,
  SALESFORCE_LOGIN_URL: undefined,
  SALESFORCE_TEST_LOGIN_URL: undefined,
  SALESFORCE_MY_DOMAIN_URL: undefined,
  NETSUITE_API_URL: undefined,
  VITALLY_API_URL: undefined,
};
const prod: OAuthEnv = { ...prodNoUrl, CONCORD_PUBLIC_URL: 'https://concord.example.com' };

interface Problem {
  code: string;
  errors?: { path: string; code: string }[];
}

describe('public URL', () => {
  it('is required outside development: no session, no OAuth redirect built from the Host header', async () => {
    const key = await provision(prodNoUrl, 'acme');
    const res = await call(prodNoUrl, '/v1/tenants/acme/session', { method: 'POST', key, headers: { host: 'evil.example' } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Problem).code).toBe('public_url_required');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('decides redirect_uri and the Secure flag, whatever Host the request names', async () => {
    const key = await provision(prod, 'acme');
    const res = await call(prod, '/v1/tenants/acme/session', { method: 'POST', key });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/Secure/);
    const start = await call(prod, '/v1/tenants/acme/connect/hubspot/start', { cookie: cookie.split(';')[0]! });
    expect(start.status).toBe(302);
    expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://concord.example.com/v1/oauth/hubspot/callback');
  });
});

describe('operator API', () => {
  it('answers 409 for an API key that belongs to another tenant, and registers nothing', async () => {
    await provision(dev, 'acme');
    const res = await call(dev, '/v1/operator/tenants/thief', { method: 'PUT', key: OPERATOR_KEY, body: JSON.stringify({ name: 'Thief', apiKey: keyFor('acme') }) });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Problem).code).toBe('api_key_in_use');
    expect(await dev.DB.prepare("SELECT id FROM tenants WHERE id = 'thief'").first()).toBeNull();
    // The key still opens its own tenant only.
    expect((await call(dev, '/v1/tenants/acme/connections', { key: keyFor('acme') })).status).toBe(200);
  });
});

describe('JSON body limit (256 KB)', () => {
  it('counts bytes, not characters', async () => {
    const key = await provision(dev, 'acme');
    // 150,000 two-byte characters: 300 KB, though fewer than 256 K characters.
    const body = JSON.stringify({ rules: [{ entity: 'account', field: 'é'.repeat(150_000), owner: 'crm' }] });
    const res = await call(dev, '/v1/tenants/acme/ownership', { method: 'PUT', key, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors?.[0]?.code).toBe('too_big');
  });

  it('stops reading at the limit (a body that never ends is refused, not waited for)', async () => {
    const key = await provision(dev, 'acme');
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      // 320 KB, then the sender stalls without ever closing the stream.
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
      },
      pull: () => new Promise(() => {}),
    });
    const req = new Request('http://broker.test/v1/tenants/acme/ownership', {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: endless,
      // @ts-expect-error duplex is needed for a streamed request body
      duplex: 'half',
    });
    const answer = await Promise.race([
      Promise.resolve(createApp().fetch(req, dev, createExecutionContext())),
      new Promise<null>((r) => setTimeout(() => r(null), 5_000)),
    ]);
    expect(answer).not.toBeNull();
    expect(answer!.status).toBe(400);
    expect(((await answer!.json()) as Problem).errors?.[0]?.code).toBe('too_big');
  });
});
