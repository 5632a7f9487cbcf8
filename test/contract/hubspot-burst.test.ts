/**
 * The bench's burst, at the vendor: 1,000 deals moved to closed-won at once through HubSpot's
 * batch update (10 calls of 100 inputs, under the 110 requests / 10 s limit), each change
 * delivered as a `deal.propertyChange` webhook for `dealstage` to the app's target URL, in
 * requests of at most 100 events. https://developers.hubspot.com/docs/api/crm/deals (batch),
 * https://developers.hubspot.com/docs/api/webhooks. Own sandbox: webhook subscriptions are per sandbox.
 */
import { Client } from '@hubspot/api-client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

let sandbox: SandboxListener;
let receiver: Server;
const events: { objectId: number; propertyName?: string; propertyValue?: string; subscriptionType: string }[] = [];
let requests = 0;

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests += 1;
      events.push(...(JSON.parse(body) as typeof events));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks/hubspot`;
  const res = await fetch(`${sandbox.url}/__sandbox/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo', targetUrl: target, clientSecret: 'burst-secret-0123456789', subscriptions: [{ subscriptionType: 'deal.propertyChange', propertyName: 'dealstage' }], batchDelayMs: 50 }),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await sandbox.close();
});

describe('a burst of 1,000 deals closed as won', () => {
  it('batch-updates 1,000 deals in 10 calls and delivers one dealstage webhook per deal', async () => {
    const token = ((await (await fetch(`${sandbox.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo', lifetime: 'static' }) })).json()) as { accessToken: string }).accessToken;
    const client = new Client({ accessToken: token, basePath: `${sandbox.url}/hubspot` });
    const company = (await client.crm.companies.basicApi.getPage(1)).results[0]!;
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const created = await client.crm.deals.batchApi.create({
        inputs: Array.from({ length: 100 }, (_, i) => ({
          properties: { dealname: `Burst ${batch * 100 + i}`, dealstage: 'contractsent', pipeline: 'default', amount: '1200.00', deal_currency_code: 'USD' },
          associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 5 }] }],
        })),
      });
      ids.push(...created.results.map((d) => d.id));
    }
    expect(new Set(ids).size).toBe(1000);

    const started = Date.now();
    for (let i = 0; i < ids.length; i += 100) {
      const updated = await client.crm.deals.batchApi.update({ inputs: ids.slice(i, i + 100).map((id) => ({ id, properties: { dealstage: 'closedwon' } })) });
      expect(updated.results).toHaveLength(100);
      expect(updated.results.every((d) => d.properties.dealstage === 'closedwon')).toBe(true);
    }
    const flushed = await fetch(`${sandbox.url}/__sandbox/webhooks/flush`, { method: 'POST', body: JSON.stringify({ tenant: 'demo', timeoutMs: 60_000 }) });
    expect(await flushed.json()).toEqual({ idle: true });
    expect(Date.now() - started).toBeLessThan(20_000);

    const won = events.filter((e) => e.subscriptionType === 'deal.propertyChange' && e.propertyName === 'dealstage' && e.propertyValue === 'closedwon');
    expect(won).toHaveLength(1000);
    expect(new Set(won.map((e) => String(e.objectId)))).toEqual(new Set(ids));
    // Creations reported their initial stage too; no request carried more than 100 events.
    expect(events.filter((e) => e.propertyValue === 'contractsent')).toHaveLength(1000);
    expect(requests).toBeGreaterThanOrEqual(20);
    const search = await client.crm.deals.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'CONTAINS_TOKEN' as never, value: 'Burst' }, { propertyName: 'dealstage', operator: 'EQ' as never, value: 'closedwon' }] }], properties: ['dealstage'], limit: 1, after: '0', sorts: [] });
    expect(search.total).toBe(1000);
  });
});
