/**
 * Verifies HubSpot's request signature v3 on card requests (`hubspot.fetch` signs every call) and
 * finds the tenant from the `portalId` HubSpot appends to the signed URL.
 *
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 * The signature covers the full public URL (query included), so `portalId` cannot be changed
 * without breaking it: the tenant comes only from a portal HubSpot vouched for.
 */
import type { MiddlewareHandler } from 'hono';
import { config } from '../../env.js';
import { fail } from '../../errors.js';
import { tenantForExternalAccount } from '../../storage/external-accounts.js';
import { invalidSignature, readRawBody, type CardEnv } from './card-context.js';
import { hubspotStringToSign, signedUri, timestampProblem, verifyHmacBase64 } from './signature-verify.js';

const PORTAL_ID = /^\d{1,20}$/;
const USER_ID = /^\d{1,20}$/;

export const hubspotSignature = (): MiddlewareHandler<CardEnv> => async (c, next) => {
  const cfg = config(c.env);
  if (!cfg.HUBSPOT_CLIENT_SECRET) {
    c.get('log').error('hubspot_signature.not_configured', { missing: 'HUBSPOT_CLIENT_SECRET' });
    fail({ kind: 'internal', message: 'HUBSPOT_CLIENT_SECRET is not set' });
  }
  const signature = c.req.header('x-hubspot-signature-v3');
  const timestamp = c.req.header('x-hubspot-request-timestamp');
  if (!signature) return invalidSignature(c, 'Missing X-HubSpot-Signature-v3 header.');
  const stale = timestampProblem(timestamp, Date.now());
  if (stale) return invalidSignature(c, `X-HubSpot-Request-Timestamp refused: ${stale}.`);

  const body = await readRawBody(c);
  if (body === null) fail({ kind: 'validation', status: 400, message: 'Body too large', issues: [{ path: '(body)', message: 'at most 64 KiB', code: 'too_big' }] });
  const uri = signedUri(c.req.url, cfg.CONCORD_PUBLIC_URL).full;
  const ok = await verifyHmacBase64([cfg.HUBSPOT_CLIENT_SECRET], hubspotStringToSign(c.req.method, uri, body, timestamp!), signature);
  if (!ok) {
    // The URI is logged (no secret in it) because a proxy rewriting it is the usual cause.
    c.get('log').warn('hubspot_signature.mismatch', { uri });
    return invalidSignature(c, 'X-HubSpot-Signature-v3 does not match this request.');
  }

  const portalId = c.req.query('portalId');
  if (!portalId || !PORTAL_ID.test(portalId)) {
    fail({ kind: 'validation', status: 400, message: 'HubSpot did not name the portal', issues: [{ path: 'portalId', message: 'expected the numeric portal id HubSpot appends', code: 'invalid_string' }] });
  }
  const tenantId = await tenantForExternalAccount(c.env.DB, 'hubspot', portalId);
  if (!tenantId) fail({ kind: 'not_found', entity: 'tenant', code: 'tenant_not_found' });
  const userId = c.req.query('userId');
  const caller = { system: 'hubspot' as const, externalAccount: portalId, userId: userId && USER_ID.test(userId) ? userId : null };
  c.set('caller', caller);
  c.set('rawBody', body);
  c.set('tenantId', tenantId);
  c.set('actor', caller.userId ? `hubspot_user:${portalId}:${caller.userId}` : `hubspot_portal:${portalId}`);
  c.set('log', c.get('log').with({ tenant: tenantId }));
  await next();
};
