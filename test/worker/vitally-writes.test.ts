/** Writing to the CS platform through the CsPort: traits merge, notes are idempotent. */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { VitallyCs } from '../../worker/connectors/vitally/index.js';
import { createLogger } from '../../worker/ops/log.js';
import { loadConnection } from '../../worker/storage/connections.js';
import { connectAll, sandboxToken } from './helpers.js';

let cs: VitallyCs;
let accountId: string;
let basic: string;

beforeAll(async () => {
  await connectAll('other');
  cs = new VitallyCs(await loadConnection(env, 'other', 'vitally'), { correlationId: 'vitally-writes-0001', log: createLogger('error') });
  basic = `Basic ${btoa(`${await sandboxToken('vitally', 'other')}:`)}`;
  const page = (await (await fetch(`${env.SANDBOX_URL}/vitally/resources/accounts?limit=1`, { headers: { authorization: basic } })).json()) as { results: { id: string }[] };
  accountId = page.results[0]!.id;
});

const sandboxAccount = async () =>
  (await (await fetch(`${env.SANDBOX_URL}/vitally/resources/accounts/${accountId}`, { headers: { authorization: basic } })).json()) as { traits: Record<string, unknown> };

describe('Vitally writes', () => {
  it('merges traits without dropping the others', async () => {
    const before = await sandboxAccount();
    await cs.setTraits(accountId, { concordOpenAr: 1234.5, concordRenewalRisk: 'high' });
    const after = await sandboxAccount();
    expect(after.traits).toMatchObject({ ...before.traits, concordOpenAr: 1234.5, concordRenewalRisk: 'high' });
  });

  it('adds a note once, however often the same write is retried', async () => {
    const note = { subject: 'Invoice disputed', body: 'INV-000901 is disputed by the customer.', idempotencyKey: 'concord:dispute:INV-000901' };
    const first = await cs.addNote(accountId, note);
    const again = await cs.addNote(accountId, note);
    expect(again.id).toBe(first.id);
    const notes = (await (await fetch(`${env.SANDBOX_URL}/vitally/resources/accounts/${accountId}/notes?limit=100`, { headers: { authorization: basic } })).json()) as { results: { externalId: string | null }[] };
    expect(notes.results.filter((n) => n.externalId === note.idempotencyKey)).toHaveLength(1);
  });
});
