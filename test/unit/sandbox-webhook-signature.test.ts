/**
 * The sandbox's webhook signer and the broker's verifier agree on HubSpot's v3 rule, including
 * the escapes HubSpot decodes in the signed URI, and a changed body, URI or timestamp breaks it.
 */
import { describe, expect, it } from 'vitest';
import { signatureV3 } from '../../sandbox/hubspot/webhooks.js';
import { hubspotStringToSign, verifyHmacBase64 } from '../../worker/http/middleware/signature-verify.js';

const SECRET = 'unit-webhook-secret-0123456789';
const URI = 'https://concord.example.com/v1/webhooks/hubspot?app=concord%2Fprod%3Aeu&x=%20y';
const BODY = JSON.stringify([{ eventId: 1, portalId: 24300001, objectId: 5, subscriptionType: 'company.propertyChange', propertyName: 'name', propertyValue: 'Ünïcode & Co' }]);
const TS = '1767225600000';

describe('sandbox webhook signature v3', () => {
  it('is what the broker verifies for the same request', async () => {
    const sig = signatureV3(SECRET, URI, BODY, TS);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('POST', URI, BODY, TS), sig)).toBe(true);
  });

  it('breaks when the body, the URI, the timestamp or the secret differ', async () => {
    const sig = signatureV3(SECRET, URI, BODY, TS);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('POST', URI, BODY.replace('Co', 'Ltd'), TS), sig)).toBe(false);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('POST', URI.replace('prod', 'test'), BODY, TS), sig)).toBe(false);
    expect(await verifyHmacBase64([SECRET], hubspotStringToSign('POST', URI, BODY, '1767225600001'), sig)).toBe(false);
    expect(await verifyHmacBase64(['another-secret-0123456789'], hubspotStringToSign('POST', URI, BODY, TS), sig)).toBe(false);
  });

  it('decodes only the listed escapes: %20 stays encoded, %2F and %3A do not', () => {
    // Same signature whether the sender wrote the listed escapes or their characters...
    expect(signatureV3(SECRET, URI, BODY, TS)).toBe(signatureV3(SECRET, URI.replace('%2F', '/').replace('%3A', ':'), BODY, TS));
    // ...but not for an escape outside the list.
    expect(signatureV3(SECRET, URI, BODY, TS)).not.toBe(signatureV3(SECRET, URI.replace('%20', ' '), BODY, TS));
  });
});
