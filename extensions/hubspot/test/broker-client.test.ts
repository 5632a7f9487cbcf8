/** How the card's broker client reads the broker's answers, including the unhappy ones. */
import { describe, expect, it } from 'vitest';
import { createBrokerClient } from '../src/app/cards/lib/broker-client.ts';
import { acmeView } from './fixtures/account-view.ts';
import { createFakeFetcher } from './fake-fetcher.ts';

describe('broker client', () => {
  it('encodes the record id into the view URL', async () => {
    const fake = createFakeFetcher();
    fake.reply({ status: 200, json: acmeView() });
    const result = await createBrokerClient(fake.fetcher).getView('companies', '12&x=1');
    expect(result.kind).toBe('ok');
    expect(fake.calls[0]!.url).toBe('https://concord.example.com/v1/cards/hubspot/view?objectType=companies&objectId=12%26x%3D1');
  });

  it('tells the user to reinstall when the broker rejects the HubSpot signature', async () => {
    const fake = createFakeFetcher();
    fake.reply({ status: 401, json: { title: 'Unauthorized', status: 401, code: 'bad_signature' } });
    const result = await createBrokerClient(fake.fetcher).getView('deals', '1');
    expect(result).toEqual({
      kind: 'error',
      error: { code: 'bad_signature', status: 401, message: 'Concord could not verify this request from HubSpot. Reinstalling the app may help.' },
    });
  });

  it('copes with a non-JSON error page from a proxy in front of the broker', async () => {
    const fake = createFakeFetcher();
    fake.reply({ status: 502, json: '<html>Bad gateway</html>', contentType: 'text/html' });
    const result = await createBrokerClient(fake.fetcher).getView('companies', '1');
    expect(result.kind === 'error' && result.error.code).toBe('http_502');
  });

  it('a 404 that is not "account_not_linked" is an error, not an empty state', async () => {
    const fake = createFakeFetcher();
    fake.reply({ status: 404, json: { title: 'Not found', status: 404, code: 'tenant_not_found', detail: 'No tenant for portal 123.' } });
    const result = await createBrokerClient(fake.fetcher).getView('companies', '1');
    expect(result).toEqual({ kind: 'error', error: { code: 'tenant_not_found', status: 404, message: 'No tenant for portal 123.' } });
  });

  it('returns the created task id as a string', async () => {
    const fake = createFakeFetcher();
    fake.reply({ status: 201, json: { id: 5001 } });
    const result = await createBrokerClient(fake.fetcher).createTask({ objectType: 'deals', objectId: '9', subject: 's', dueDate: '2026-12-01' });
    expect(result).toEqual({ kind: 'ok', taskId: '5001' });
  });

  it('reads a deal order answer and refuses one it cannot read', async () => {
    const fake = createFakeFetcher();
    fake.reply({ status: 200, json: { order: null } });
    fake.reply({ status: 200, json: { order: { state: 'shipped', runId: 'r' } } });
    const client = createBrokerClient(fake.fetcher);
    expect(await client.getOrder('77&x')).toEqual({ kind: 'ok', order: null });
    expect(fake.calls[0]!.url).toBe('https://concord.example.com/v1/cards/hubspot/order?objectType=deals&objectId=77%26x');
    const odd = await client.getOrder('77');
    expect(odd.kind === 'error' && odd.error.code).toBe('invalid_order');
  });
});
