/**
 * The broker's side of the NetSuite push (worker/connectors/netsuite/events.ts): the event schema
 * and the signature check. The vector below is the one extensions/netsuite/__tests__ checks the
 * SuiteScript against, so both sides agree on the exact bytes signed.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NETSUITE_EVENT_PATH, parseNetSuiteEvent, verifyNetSuiteEvent, type NetSuiteEventRequest } from '../../worker/connectors/netsuite/events.js';
import { concordStringToSign } from '../../worker/http/middleware/signature-verify.js';

// Shared test vector (extensions/netsuite/__tests__/concord_event_push_ue.test.js).
const SECRET = 'concord-netsuite-test-secret-0123456789';
const TIMESTAMP = '1764140400000';
const BODY =
  '{"accountId":"TSTDRV1234567","recordType":"invoice","recordId":"5012","eventType":"edit","lastModified":"2025-11-26T06:59:58.000Z","eventId":"3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60"}';
const SIGNATURE = 'C5akdFNkRRX3GsUDLfdxs8VwEpIfYOdQAPzJjlzU76k=';
const NOW = Number(TIMESTAMP) + 2_000;

const request = (over: Partial<NetSuiteEventRequest> = {}): NetSuiteEventRequest => ({
  method: 'POST',
  pathWithQuery: NETSUITE_EVENT_PATH,
  accountId: 'TSTDRV1234567',
  timestamp: TIMESTAMP,
  signature: SIGNATURE,
  body: BODY,
  ...over,
});

/** Signs `body` as the script does, for requests that must pass the signature to reach the schema. */
const signed = (body: string, accountId = 'TSTDRV1234567'): NetSuiteEventRequest =>
  request({ body, accountId, signature: createHmac('sha256', SECRET).update(concordStringToSign('POST', NETSUITE_EVENT_PATH, TIMESTAMP, body)).digest('base64') });

describe('NetSuite event signature', () => {
  it('accepts the shared test vector and returns the event', async () => {
    expect(concordStringToSign('POST', NETSUITE_EVENT_PATH, TIMESTAMP, BODY)).toBe(`POST\n/v1/webhooks/netsuite\n${TIMESTAMP}\n${BODY}`);
    expect(createHmac('sha256', SECRET).update(`POST\n/v1/webhooks/netsuite\n${TIMESTAMP}\n${BODY}`).digest('base64')).toBe(SIGNATURE);
    const verdict = await verifyNetSuiteEvent(request(), [SECRET], NOW);
    expect(verdict).toEqual({
      ok: true,
      event: { accountId: 'TSTDRV1234567', recordType: 'invoice', recordId: '5012', eventType: 'edit', lastModified: '2025-11-26T06:59:58.000Z', eventId: '3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60' },
    });
  });

  it('accepts the old secret during a rotation, and signs under a base path', async () => {
    expect((await verifyNetSuiteEvent(request(), ['new-secret-0123456789', SECRET], NOW)).ok).toBe(true);
    const path = `/concord${NETSUITE_EVENT_PATH}`;
    const sig = createHmac('sha256', SECRET).update(concordStringToSign('POST', path, TIMESTAMP, BODY)).digest('base64');
    expect((await verifyNetSuiteEvent(request({ pathWithQuery: path, signature: sig }), [SECRET], NOW)).ok).toBe(true);
    // The signature covers the path: the same one on another path is refused.
    expect(await verifyNetSuiteEvent(request({ pathWithQuery: path }), [SECRET], NOW)).toMatchObject({ ok: false, kind: 'signature' });
  });

  it('refuses anything that changes the signed bytes or the secret', async () => {
    const refused = async (r: NetSuiteEventRequest, secrets = [SECRET]) => expect(await verifyNetSuiteEvent(r, secrets, NOW)).toMatchObject({ ok: false, kind: 'signature' });
    await refused(request({ body: BODY.replace('5012', '5013') }));
    await refused(request({ body: `${BODY} ` }));
    await refused(request({ method: 'PUT' }));
    await refused(request(), ['another-secret-0123456789']);
    await refused(request(), []);
    await refused(request({ signature: undefined }));
    await refused(request({ signature: 'not base64 at all!!' }));
    await refused(request({ signature: SIGNATURE.slice(0, 20) }));
  });

  it('refuses a stale, future or malformed timestamp, and a missing or malformed account id', async () => {
    const reason = async (r: NetSuiteEventRequest, now = NOW) => {
      const v = await verifyNetSuiteEvent(r, [SECRET], now);
      return v.ok ? 'ok' : v.kind === 'signature' ? v.reason : 'validation';
    };
    expect(await reason(request(), Number(TIMESTAMP) + 300_001)).toMatch(/older than 5 minutes/);
    expect(await reason(request(), Number(TIMESTAMP) - 60_001)).toMatch(/future/);
    expect(await reason(request({ timestamp: '2025-11-26T07:00:00Z' }))).toMatch(/epoch milliseconds/);
    expect(await reason(request({ timestamp: undefined }))).toMatch(/missing timestamp/);
    expect(await reason(request({ accountId: undefined }))).toMatch(/X-Concord-Account-Id/);
    expect(await reason(request({ accountId: 'TSTDRV 1234567' }))).toMatch(/X-Concord-Account-Id/);
    expect(await reason(request({ accountId: 'x'.repeat(41) }))).toMatch(/X-Concord-Account-Id/);
  });
});

describe('NetSuite event body', () => {
  const event = JSON.parse(BODY) as Record<string, unknown>;

  it('is accepted for every subscribed record type and afterSubmit event type, and for sandbox account ids', () => {
    for (const recordType of ['invoice', 'customerpayment', 'creditmemo', 'salesorder', 'subscription', 'customer']) {
      for (const eventType of ['create', 'edit', 'xedit', 'delete', 'approve', 'cancel']) {
        expect(parseNetSuiteEvent({ ...event, recordType, eventType }).ok).toBe(true);
      }
    }
    expect(parseNetSuiteEvent({ ...event, accountId: '1234567_SB1' }).ok).toBe(true);
  });

  it('names each wrong field with a stable path and code', () => {
    const issues = (value: unknown) => {
      const r = parseNetSuiteEvent(value);
      return r.ok ? [] : r.issues.map((i) => `${i.path}:${i.code}`);
    };
    expect(issues({ ...event, recordType: 'vendorbill' })).toEqual(['recordType:invalid_value']);
    expect(issues({ ...event, eventType: 'view' })).toEqual(['eventType:invalid_value']);
    expect(issues({ ...event, recordId: 5012 })).toEqual(['recordId:invalid_type']);
    expect(issues({ ...event, recordId: '0' })).toEqual(['recordId:invalid_format']);
    expect(issues({ ...event, lastModified: '11/26/2025 6:59 am' })).toEqual(['lastModified:invalid_format']);
    expect(issues({ ...event, eventId: 'x'.repeat(65) })).toEqual(['eventId:too_big']);
    expect(issues({ ...event, accountId: 'x'.repeat(41) })).toEqual(['accountId:too_big']);
    expect(issues({ ...event, extra: 1 })).toEqual(['(root):unrecognized_keys']);
    const { eventId: _dropped, ...missing } = event;
    expect(issues(missing)).toEqual(['eventId:invalid_type']);
    expect(issues([event])).toEqual(['(root):invalid_type']);
  });

  it('is checked only after the signature holds: 400 for non-JSON, 422 for a wrong shape or another account', async () => {
    expect(await verifyNetSuiteEvent(signed('not json'), [SECRET], NOW)).toEqual({ ok: false, kind: 'validation', status: 400, issues: [{ path: '(body)', message: 'invalid JSON', code: 'invalid_json' }] });
    const wrong = await verifyNetSuiteEvent(signed(JSON.stringify({ ...event, recordType: 'vendorbill' })), [SECRET], NOW);
    expect(wrong).toMatchObject({ ok: false, kind: 'validation', status: 422, issues: [{ path: 'recordType', code: 'invalid_value' }] });
    const other = await verifyNetSuiteEvent(signed(BODY, '7654321'), [SECRET], NOW);
    expect(other).toMatchObject({ ok: false, kind: 'validation', status: 422, issues: [{ path: 'accountId', code: 'account_mismatch' }] });
    const big = await verifyNetSuiteEvent(signed(JSON.stringify({ ...event, pad: 'x'.repeat(5000) })), [SECRET], NOW);
    expect(big).toMatchObject({ ok: false, kind: 'validation', status: 400, issues: [{ path: '(body)', code: 'too_big' }] });
    // Unsigned garbage never reaches the parser: it is a signature failure, not a 400.
    expect(await verifyNetSuiteEvent(request({ body: 'not json' }), [SECRET], NOW)).toMatchObject({ ok: false, kind: 'signature' });
  });
});
