/** The HTTP edge: correlation ids, problem+json errors, tenant authentication and isolation. */
import { describe, expect, it } from 'vitest';
import { api, keyFor, OPERATOR_KEY, provision } from './helpers.js';

describe('correlation ids', () => {
  it('echoes a well-formed x-correlation-id and generates one otherwise', async () => {
    const given = await api('/health', { headers: { 'x-correlation-id': 'req-1234567890' } });
    expect(given.headers.get('x-correlation-id')).toBe('req-1234567890');
    const generated = await api('/health', { headers: { 'x-correlation-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors', () => {
  it('answers unknown routes with problem+json and a stable code', async () => {
    const res = await api('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { code: string; correlationId: string };
    expect(body.code).toBe('route_not_found');
    expect(body.correlationId).toBe(res.headers.get('x-correlation-id'));
  });

  it('refuses malformed JSON with 400 and a wrong field with 422 naming it', async () => {
    const bad = await api('/v1/operator/tenants/acme', { method: 'PUT', key: OPERATOR_KEY, body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('bad_request');
    const wrong = await api('/v1/operator/tenants/acme', { method: 'PUT', key: OPERATOR_KEY, body: JSON.stringify({ name: 'Acme', apiKey: 'short' }) });
    expect(wrong.status).toBe(422);
    const problem = (await wrong.json()) as { code: string; errors: { path: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.path)).toContain('apiKey');
  });

  it('refuses an invalid tenant slug with 400', async () => {
    const res = await api('/v1/operator/tenants/Not%20Valid', { method: 'PUT', key: OPERATOR_KEY, body: JSON.stringify({ name: 'x', apiKey: keyFor('x') }) });
    expect(res.status).toBe(400);
  });
});

describe('tenant authentication', () => {
  it('requires the operator key to provision tenants', async () => {
    const res = await api('/v1/operator/tenants/acme', { method: 'PUT', key: 'wrong-operator-key-123456', body: JSON.stringify({ name: 'Acme', apiKey: keyFor('acme') }) });
    expect(res.status).toBe(401);
  });

  it('scopes admin API keys to their tenant', async () => {
    const demoKey = await provision('demo');
    const otherKey = await provision('other');
    expect((await api('/v1/tenants/demo/accounts')).status).toBe(401);
    expect((await api('/v1/tenants/demo/accounts', { key: 'not-a-real-key-0123456789' })).status).toBe(401);
    expect((await api('/v1/tenants/demo/accounts', { key: demoKey })).status).toBe(200);
    const cross = await api('/v1/tenants/demo/accounts', { key: otherKey });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { code: string }).code).toBe('forbidden');
  });

  it('revokes the previous key when a tenant is re-provisioned with a new one', async () => {
    await provision('acme');
    const replaced = await api('/v1/operator/tenants/acme', {
      method: 'PUT',
      key: OPERATOR_KEY,
      body: JSON.stringify({ name: 'Acme', apiKey: 'a-brand-new-key-for-acme-0123456789' }),
    });
    expect(replaced.status).toBe(200);
    expect((await api('/v1/tenants/acme/connections', { key: 'a-brand-new-key-for-acme-0123456789' })).status).toBe(200);
    expect((await api('/v1/tenants/acme/connections', { key: keyFor('acme') })).status).toBe(401);
  });
});

describe('hostile input', () => {
  it('refuses control characters in a tenant name', async () => {
    const res = await api('/v1/operator/tenants/acme', { method: 'PUT', key: OPERATOR_KEY, body: JSON.stringify({ name: 'Acme\u0000', apiKey: keyFor('acme') }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('name');
  });

  it('refuses a connection base URL that is not https (or loopback http)', async () => {
    const key = await provision('acme');
    for (const baseUrl of ['http://169.254.169.254/latest', 'file:///etc/passwd', 'https://user:pw@api.example.com']) {
      const res = await api('/v1/tenants/acme/connections/netsuite', {
        method: 'PUT',
        key,
        body: JSON.stringify({ baseUrl, credentials: { type: 'bearer', accessToken: 'token-0123456789' } }),
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('baseUrl');
    }
  });

  it('answers deeply nested or non-object JSON with a 4xx, never a 500', async () => {
    const key = await provision('acme');
    for (const body of ['[1,2,3]', 'null', '['.repeat(3000) + ']'.repeat(3000), '{"baseUrl": "\\ud800"}']) {
      const res = await api('/v1/tenants/acme/connections/netsuite', { method: 'PUT', key, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
