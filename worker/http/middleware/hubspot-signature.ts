/**
 * Verifies HubSpot's request signature v3 on card requests (`hubspot.fetch` signs every call) and
 * finds the tenant from the `portalId` HubSpot appends to the signed URL.
 *
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 * The signature covers the full public URL (query included), so `portalId` cannot be changed
 * without breaking it: the tenant comes only from a portal HubSpot vouched for.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { config, type Env } from '../../env.js';
import { fail } from '../../errors.js';
import { tenantForExternalAccount } from '../../storage/external-accounts.js';
import type { RequestContext } from '../context.js';
import { invalidSignature, MAX_CARD_BODY_BYTES, readRawBody, type CardEnv } from './card-context.js';
import { hubspotStringToSign, signedUri, timestampProblem, verifyHmacBase64 } from './signature-verify.js';

const PORTAL_ID = /^\d{1,20}$/;
const USER_ID = /^\d{1,20}$/;

/** What differs between the endpoints HubSpot signs: how large a body may be, and the log event names. */
export interface HubSpotV3Options {
  /** Largest body accepted, in bytes. */
  maxBodyBytes: number;
  /** The limit as the 400 `too_big` issue states it. */
  maxBodyText: string;
  /** Logged (error) when HUBSPOT_CLIENT_SECRET is not configured. */
  notConfiguredEvent: string;
  /** Logged (warn, with the signed URI) when the signature does not match. */
  mismatchEvent: string;
}

/**
 * HubSpot's v3 check, shared by the card middleware and the webhook route: secret configured,
 * signature header present, timestamp inside the window, body within `maxBodyBytes`, then the
 * HMAC over method + public URI + body + timestamp. Answers `{ body }` (the raw body the signature
 * covers) or `{ refused }` (the 401 `invalid_signature` to return); throws for a missing secret
 * (500) or an oversized body (400 `too_big`).
 */
export async function verifyHubSpotV3<E extends { Bindings: Env; Variables: RequestContext }>(c: Context<E>, opts: HubSpotV3Options): Promise<{ body: string } | { refused: Response }> {
  const cfg = config(c.env);
  if (!cfg.HUBSPOT_CLIENT_SECRET) {
    c.get('log').error(opts.notConfiguredEvent, { missing: 'HUBSPOT_CLIENT_SECRET' });
    fail({ kind: 'internal', message: 'HUBSPOT_CLIENT_SECRET is not set' });
  }
  const signature = c.req.header('x-hubspot-signature-v3');
  const timestamp = c.req.header('x-hubspot-request-timestamp');
  if (!signature) return { refused: invalidSignature(c, 'Missing X-HubSpot-Signature-v3 header.') };
  const stale = timestampProblem(timestamp, Date.now());
  if (stale) return { refused: invalidSignature(c, `X-HubSpot-Request-Timestamp refused: ${stale}.`) };

  const body = await readRawBody(c, opts.maxBodyBytes);
  if (body === null) fail({ kind: 'validation', status: 400, message: 'Body too large', issues: [{ path: '(body)', message: opts.maxBodyText, code: 'too_big' }] });
  const uri = signedUri(c.req.url, cfg.CONCORD_PUBLIC_URL).full;
  const ok = await verifyHmacBase64([cfg.HUBSPOT_CLIENT_SECRET], hubspotStringToSign(c.req.method, uri, body, timestamp!), signature);
  if (!ok) {
    // The URI is logged (no secret in it) because a proxy rewriting it is the usual cause.
    c.get('log').warn(opts.mismatchEvent, { uri });
    return { refused: invalidSignature(c, 'X-HubSpot-Signature-v3 does not match this request.') };
  }
  return { body };
}

/**
 * The parameters that route a card request (tenant, actor, app, record). Each may appear once:
 * the signature covers the whole query, so a validly signed URL can still carry `portalId` twice
 * (`portalId=A&portalId=B`, or `portal%49d=B`, which decodes to the same name), and routing by the
 * first value while HubSpot meant another must never happen: 400 `duplicate_parameter`.
 */
const ROUTING_PARAMS = ['portalId', 'userId', 'appId', 'objectId', 'objectType'] as const;

function refuseDuplicates(requestUrl: string): void {
  // URLSearchParams decodes percent-encoded names, so encoded twins count as the same name.
  const params = new URL(requestUrl).searchParams;
  const issues = ROUTING_PARAMS.filter((name) => params.getAll(name).length > 1).map((name) => ({ path: name, message: 'appears more than once', code: 'duplicate_parameter' }));
  if (issues.length > 0) fail({ kind: 'validation', status: 400, message: 'A routing parameter appears more than once', issues });
}

export const hubspotSignature = (): MiddlewareHandler<CardEnv> => async (c, next) => {
  const verified = await verifyHubSpotV3(c, {
    maxBodyBytes: MAX_CARD_BODY_BYTES,
    maxBodyText: 'at most 64 KiB',
    notConfiguredEvent: 'hubspot_signature.not_configured',
    mismatchEvent: 'hubspot_signature.mismatch',
  });
  if ('refused' in verified) return verified.refused;
  const { body } = verified;
  refuseDuplicates(c.req.url);
  const params = new URL(c.req.url).searchParams;
  const appId = config(c.env).HUBSPOT_APP_ID;
  if (!appId) {
    c.get('log').error('hubspot_signature.not_configured', { missing: 'HUBSPOT_APP_ID' });
    fail({ kind: 'internal', message: 'HUBSPOT_APP_ID is not set' });
  }
  if (params.get('appId') !== appId) {
    fail({ kind: 'validation', status: 400, message: 'The request is not for this app', issues: [{ path: 'appId', message: "expected the app's id, as hubspot.fetch appends it", code: params.has('appId') ? 'app_mismatch' : 'required' }] });
  }

  const portalId = params.get('portalId') ?? undefined;
  if (!portalId || !PORTAL_ID.test(portalId)) {
    fail({ kind: 'validation', status: 400, message: 'HubSpot did not name the portal', issues: [{ path: 'portalId', message: 'expected the numeric portal id HubSpot appends', code: 'invalid_string' }] });
  }
  const tenantId = await tenantForExternalAccount(c.env.DB, 'hubspot', portalId);
  if (!tenantId) fail({ kind: 'not_found', entity: 'tenant', code: 'tenant_not_found' });
  const userId = params.get('userId');
  const caller = { system: 'hubspot' as const, externalAccount: portalId, userId: userId && USER_ID.test(userId) ? userId : null };
  c.set('caller', caller);
  c.set('rawBody', body);
  c.set('tenantId', tenantId);
  c.set('actor', caller.userId ? `hubspot_user:${portalId}:${caller.userId}` : `hubspot_portal:${portalId}`);
  c.set('log', c.get('log').with({ tenant: tenantId }));
  await next();
};
