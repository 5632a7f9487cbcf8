/**
 * Request signature checks for the card API, against vectors computed here independently with
 * node:crypto (HubSpot v3 and Concord's Salesforce scheme), incl. the Salesforce package's own
 * documented test vectors (extensions/salesforce/README.md).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_AGE_MS,
  hubspotDecodeUri,
  hubspotStringToSign,
  concordStringToSign,
  signedUri,
  timestampProblem,
  verifyHmacBase64,
} from '../../worker/http/middleware/signature-verify.js';

const SECRET = 'hubspot-client-secret-for-tests';
const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('base64');

describe('HubSpot signature v3', () => {
  const ts = '1764140400000';
  const uri = 'https://concord.example.com/v1/cards/hubspot/view?objectType=companies&objectId=1001&portalId=24300001&userId=7';

  it('accepts the signature HubSpot computes over method + uri + body + timestamp', async () => {
    const sig = hmac(SECRET, `GET${uri}${ts}`);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('GET', uri, '', ts), sig)).toBe(true);
  });

  it('covers the body: a tampered body fails', async () => {
    const body = '{"objectType":"companies","objectId":"1001","subject":"Call","dueDate":"2026-12-01"}';
    const sig = hmac(SECRET, `POST${uri}${body}${ts}`);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('POST', uri, body, ts), sig)).toBe(true);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('POST', uri, body.replace('Call', 'Cal1'), ts), sig)).toBe(false);
  });

  it('fails with another secret, another portal in the URI, or another timestamp', async () => {
    const sig = hmac(SECRET, `GET${uri}${ts}`);
    expect(await verifyHmacBase64(['another-secret-entirely'], hubspotStringToSign('GET', uri, '', ts), sig)).toBe(false);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('GET', uri.replace('24300001', '24300002'), '', ts), sig)).toBe(false);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('GET', uri, '', '1764140400001'), sig)).toBe(false);
  });

  it('decodes exactly the listed characters of the URI before signing', async () => {
    const encoded = 'https://concord.example.com/v1/cards/hubspot/view?userEmail=a%40b.io&q=%3A%2F%3F%21%24%27%28%29%2A%2C%3B&sp=a%20b&pct=%25';
    expect(hubspotDecodeUri(encoded)).toBe("https://concord.example.com/v1/cards/hubspot/view?userEmail=a@b.io&q=:/?!$'()*,;&sp=a%20b&pct=%25");
    // HubSpot signs the decoded form; the request arrives encoded.
    const sig = hmac(SECRET, `GET${hubspotDecodeUri(encoded)}${ts}`);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('GET', encoded, '', ts), sig)).toBe(true);
    // Lower-case escapes are the same characters.
    expect(hubspotDecodeUri('x%3a%2f')).toBe('x:/');
  });

  it('refuses malformed or truncated signatures without throwing', async () => {
    const msg = hubspotStringToSign('GET', uri, '', ts);
    expect(await verifyHmacBase64([SECRET], msg, undefined)).toBe(false);
    expect(await verifyHmacBase64([SECRET], msg, 'not base64 at all!!')).toBe(false);
    expect(await verifyHmacBase64([SECRET], msg, hmac(SECRET, `GET${uri}${ts}`).slice(0, 24))).toBe(false);
  });
});

describe('timestamps', () => {
  const now = 1_764_140_400_000;
  it('accepts the last five minutes and small clock skew only', () => {
    expect(timestampProblem(String(now - 1000), now)).toBeNull();
    expect(timestampProblem(String(now - MAX_AGE_MS), now)).toBeNull();
    expect(timestampProblem(String(now - MAX_AGE_MS - 1), now)).toMatch(/older/);
    expect(timestampProblem(String(now + 30_000), now)).toBeNull();
    expect(timestampProblem(String(now + 10 * 60_000), now)).toMatch(/future/);
    expect(timestampProblem(undefined, now)).toMatch(/missing/);
    expect(timestampProblem('2026-11-26T06:00:00Z', now)).toMatch(/milliseconds/);
  });
});

describe('signed URI behind a proxy', () => {
  it('keeps the raw path and query, and swaps in the public origin and base path', () => {
    const local = 'http://127.0.0.1:8787/v1/cards/hubspot/view?objectId=1&userEmail=a%40b.io';
    expect(signedUri(local, undefined)).toEqual({ full: local, pathWithQuery: '/v1/cards/hubspot/view?objectId=1&userEmail=a%40b.io' });
    expect(signedUri(local, 'https://concord.example.com').full).toBe('https://concord.example.com/v1/cards/hubspot/view?objectId=1&userEmail=a%40b.io');
    expect(signedUri(local, 'https://example.com/concord')).toEqual({
      full: 'https://example.com/concord/v1/cards/hubspot/view?objectId=1&userEmail=a%40b.io',
      pathWithQuery: '/concord/v1/cards/hubspot/view?objectId=1&userEmail=a%40b.io',
    });
  });
});

describe('Salesforce callout signature', () => {
  // The vectors ConcordSignatureTest checks on the Apex side (extensions/salesforce/README.md).
  const secret = 'concord-test-secret';
  it('matches the Apex package test vectors', async () => {
    const get = concordStringToSign('GET', '/v1/cards/salesforce/view?objectType=Account&recordId=001000000000001AAA', '1764140400000', '');
    expect(get).toBe('GET\n/v1/cards/salesforce/view?objectType=Account&recordId=001000000000001AAA\n1764140400000\n');
    expect(await verifyHmacBase64([secret], get, 'LIEEB2m4UIqNlbF82zZK/quzF20JBsnzBLCD1vj+fTY=')).toBe(true);
    const post = concordStringToSign('POST', '/v1/webhooks/salesforce/closed-won', '1764140400000', '{"opportunityId":"006000000000001AAA"}');
    expect(await verifyHmacBase64([secret], post, '4bAb7WUvUPhMiLiAyrM1/Sc+9b7VaPqQVveh6j60tzs=')).toBe(true);
  });

  it('accepts any of the valid secrets during a rotation, and nothing else', async () => {
    const msg = concordStringToSign('get', '/v1/cards/salesforce/view?objectType=Account&recordId=001000000000001AAA', '1764140400000', '');
    const oldSig = hmac('old-secret-0123456789', msg);
    expect(await verifyHmacBase64(['new-secret-0123456789', 'old-secret-0123456789'], msg, oldSig)).toBe(true);
    expect(await verifyHmacBase64(['new-secret-0123456789'], msg, oldSig)).toBe(false);
  });
});
