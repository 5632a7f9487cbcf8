/**
 * The Salesforce client in Node, where jsforce sends through the real node-fetch and its own
 * retry loop would be live (429/5xx on GET retried up to 5 times with sleeps): Concord switches it
 * off, so a persistent 503 costs exactly the guard's attempts at the vendor, not attempts x 6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';
import { SalesforceClient } from '../../worker/connectors/salesforce/client.js';
import { ConcordError } from '../../worker/errors.js';
import { createLogger } from '../../worker/ops/log.js';

let sandbox: SandboxListener;
beforeAll(async () => {
  sandbox = await createSandbox().listen(0);
});
afterAll(async () => sandbox.close());

async function token(): Promise<string> {
  const res = await fetch(`${sandbox.url}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'salesforce', tenant: 'other' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function session(t: string, body?: unknown): Promise<{ requests: number; faulted: number }> {
  const res = await fetch(`${sandbox.url}/salesforce/__sandbox/session`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as { requests: number; faulted: number };
}

describe('SalesforceClient retry ownership', () => {
  it('a persistent 503 on a GET reaches the org once per guarded attempt (jsforce retries off)', async () => {
    const t = await token();
    await session(t, { faults: Array(40).fill('error') });
    const client = new SalesforceClient(
      { tenantId: 'unit', system: 'salesforce', baseUrl: `${sandbox.url}/salesforce`, externalAccount: null, status: 'connected', credentials: { type: 'bearer', accessToken: t } },
      { correlationId: 'unit-sf', log: createLogger('error') },
    );
    const err = await client.count('SELECT COUNT() FROM Account').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).error).toMatchObject({ kind: 'upstream', status: 503 });
    // guarded's default: 6 attempts in all.
    expect(await session(t)).toMatchObject({ requests: 6, faulted: 6 });
  }, 30_000);
});
