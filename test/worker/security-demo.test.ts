/**
 * Issue 8, item 4: the local demo door (`GET /demo`, `POST /demo/console`, and issue 10's
 * `POST /demo/closed-won` with its `GET /demo/closed-won.js`) opens only in the explicit
 * development mode and only for a loopback Host, so neither a deployment that kept
 * CONCORD_DEMO_TENANT from the example file nor a DNS-rebinding page can mint an admin session or
 * move a CRM deal.
 */
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/http/app.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';
import { oauthEnv, provision } from './connect-flow.js';

const base = await oauthEnv(`demo-${crypto.randomUUID().slice(0, 8)}`);
const DEMO_KEY = 'test-key-demo-0123456789abcdef';
const dev: OAuthEnv = { ...base, CONCORD_DEMO_TENANT: 'demo', CONCORD_DEMO_API_KEY: DEMO_KEY } as OAuthEnv;
const prod: OAuthEnv = { ...dev, CONCORD_DEV_MODE: undefined, CONCORD_PUBLIC_URL: 'https://concord.example.com', HUBSPOT_AUTH_URL: undefined, HUBSPOT_API_URL: undefined, SALESFORCE_LOGIN_URL: undefined, SALESFORCE_TEST_LOGIN_URL: undefined, SALESFORCE_MY_DOMAIN_URL: undefined, NETSUITE_API_URL: undefined, VITALLY_API_URL: undefined };

const app = createApp();

function hit(e: OAuthEnv, url: string, method: 'GET' | 'POST' = 'GET', headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.fetch(new Request(url, { method, headers, redirect: 'manual' }), e, createExecutionContext()));
}

describe('/demo and /demo/console', () => {
  it('are served in development mode on a loopback Host', async () => {
    await provision(dev, 'demo');
    expect((await hit(dev, 'http://127.0.0.1:8787/demo')).status).toBe(200);
    const console = await hit(dev, 'http://127.0.0.1:8787/demo/console', 'POST', { origin: 'http://127.0.0.1:8787' });
    expect(console.status).toBe(303);
    expect(console.headers.get('set-cookie')).toMatch(/^concord_session=/);
    expect((await hit(dev, 'http://localhost:8787/demo')).status).toBe(200);
  });

  it('are 404 outside development mode, even with CONCORD_DEMO_TENANT set', async () => {
    await provision(dev, 'demo');
    for (const url of ['http://127.0.0.1:8787/demo', 'https://concord.example.com/demo']) {
      expect((await hit(prod, url)).status, url).toBe(404);
    }
    const console = await hit(prod, 'http://127.0.0.1:8787/demo/console', 'POST', { origin: 'http://127.0.0.1:8787' });
    expect(console.status).toBe(404);
    expect(console.headers.get('set-cookie')).toBeNull();
    const won = await hit(prod, 'http://127.0.0.1:8787/demo/closed-won', 'POST', { origin: 'http://127.0.0.1:8787' });
    expect(won.status).toBe(404);
    expect(won.headers.get('set-cookie')).toBeNull();
    expect((await hit(prod, 'http://127.0.0.1:8787/demo/closed-won.js')).status).toBe(404);
  });

  it('closing a demo deal as won refuses a cross-site page', async () => {
    await provision(dev, 'demo');
    const won = await hit(dev, 'http://127.0.0.1:8787/demo/closed-won', 'POST', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(won.status).toBe(403);
    expect(won.headers.get('set-cookie')).toBeNull();
    const script = await hit(dev, 'http://127.0.0.1:8787/demo/closed-won.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('are 404 for a Host that is not loopback (DNS rebinding, tunnels)', async () => {
    await provision(dev, 'demo');
    for (const host of ['http://rebind.evil.example:8787', 'http://127.0.0.1.nip.io:8787', 'https://concord-demo.trycloudflare.com']) {
      expect((await hit(dev, `${host}/demo`)).status, host).toBe(404);
      const console = await hit(dev, `${host}/demo/console`, 'POST', { origin: host });
      expect(console.status, host).toBe(404);
      expect(console.headers.get('set-cookie')).toBeNull();
      const won = await hit(dev, `${host}/demo/closed-won`, 'POST', { origin: host });
      expect(won.status, host).toBe(404);
      expect(won.headers.get('set-cookie')).toBeNull();
    }
  });
});
