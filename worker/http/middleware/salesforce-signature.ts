/**
 * Verifies Concord's signed Salesforce callouts (extensions/salesforce `ConcordClient`):
 * `X-Concord-Org-Id`, `X-Concord-Timestamp` (epoch ms) and `X-Concord-Signature` =
 * base64(HMAC-SHA256(secret, METHOD\npathWithQuery\ntimestamp\nbody)). The secret is the org's
 * inbound secret (issued by `POST /v1/tenants/:tenant/inbound-secrets/salesforce`); the org id
 * selects both the secret and the tenant, so a request can only ever reach its own tenant.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { auditStatement } from '../../storage/audit.js';
import { TtlMemo } from '../../storage/memo.js';
import { config } from '../../env.js';
import { fail } from '../../errors.js';
import { inboundSecretsFor } from '../../storage/inbound-secrets.js';
import { invalidSignature, readRawBody, type CardEnv } from './card-context.js';
import { concordStringToSign, signedUri, timestampProblem, verifyHmacBase64 } from './signature-verify.js';

/** Salesforce org ids: key prefix 00D, 15 or 18 characters. */
export const ORG_ID = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** Audited at most once per org per isolate every 5 minutes: a busy org must not flood the log. */
const auditedUnreadable = new TtlMemo<boolean>(5 * 60_000);

/**
 * The org's signing secret does not open (its vault key was removed before a rotation re-sealed
 * it): a clear 409 telling the admin to issue a new one, audited in the tenant's log; never a 500.
 */
async function refuseUnreadable(c: Context<CardEnv>, tenantId: string, orgId: string): Promise<never> {
  c.get('log').error('salesforce_signature.secret_unreadable', { tenant: tenantId, orgId });
  await auditedUnreadable.get(`${tenantId}:${orgId}`, async () => {
    await auditStatement(c.env.DB, { tenantId, actor: `salesforce_org:${orgId}`, action: 'inbound_secret.unreadable', entityType: 'inbound_secret', entityId: `salesforce:${orgId}`, after: { reason: 'vault key missing or row altered' }, correlationId: c.get('correlationId') }).run();
    return true;
  });
  return fail({
    kind: 'conflict',
    code: 'inbound_secret_unreadable',
    message: `The signing secret for Salesforce org ${orgId} cannot be opened (its vault key was removed before rotation). An admin must issue a new one (POST /v1/tenants/:tenant/inbound-secrets/salesforce) and paste it into Salesforce.`,
  });
}

export const salesforceSignature = (): MiddlewareHandler<CardEnv> => async (c, next) => {
  const orgId = c.req.header('x-concord-org-id');
  const timestamp = c.req.header('x-concord-timestamp');
  const signature = c.req.header('x-concord-signature');
  if (!orgId || !ORG_ID.test(orgId)) return invalidSignature(c, 'Missing or malformed X-Concord-Org-Id header.');
  if (!signature) return invalidSignature(c, 'Missing X-Concord-Signature header.');
  const stale = timestampProblem(timestamp, Date.now());
  if (stale) return invalidSignature(c, `X-Concord-Timestamp refused: ${stale}.`);

  const registered = await inboundSecretsFor(c.env, 'salesforce', orgId);
  // Same answer as a bad signature: the admin's fix is the same (issue a secret for this org).
  if (!registered) return invalidSignature(c, 'No signing secret is registered for this Salesforce org.');
  if (registered.unreadable) await refuseUnreadable(c, registered.tenantId, orgId);
  const body = await readRawBody(c);
  if (body === null) fail({ kind: 'validation', status: 400, message: 'Body too large', issues: [{ path: '(body)', message: 'at most 64 KiB', code: 'too_big' }] });
  const { pathWithQuery } = signedUri(c.req.url, config(c.env).CONCORD_PUBLIC_URL);
  const ok = await verifyHmacBase64(registered.secrets, concordStringToSign(c.req.method, pathWithQuery, timestamp!, body), signature);
  if (!ok) {
    c.get('log').warn('salesforce_signature.mismatch', { orgId, path: pathWithQuery.split('?')[0] });
    return invalidSignature(c, 'X-Concord-Signature does not match this request.');
  }
  c.set('caller', { system: 'salesforce', externalAccount: orgId, userId: null });
  c.set('rawBody', body);
  c.set('tenantId', registered.tenantId);
  c.set('actor', `salesforce_org:${orgId}`);
  c.set('log', c.get('log').with({ tenant: registered.tenantId }));
  await next();
};
