/**
 * `POST /v1/webhooks/vitally/:tenant`: Vitally playbook webhooks, verified with the Standard
 * Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`, 5 min
 * tolerance, several signatures during a rotation) against the tenant's secret from
 * `POST /v1/tenants/:tenant/inbound-secrets/vitally`. The path names the tenant because Vitally
 * posts to a URL per playbook; only that tenant's secret verifies it. 401 `invalid_signature`,
 * 400 for a body that is not JSON or too large, 422 naming each bad field; a valid one becomes a
 * `cs.change` message (a pointer to the account) and is answered 202.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { parseVitallyWebhook, vitallyChange } from '../../connectors/vitally/webhooks.js';
import { enqueueChanges } from '../../queues/enqueue.js';
import { inboundSecretsOfTenant } from '../../storage/inbound-secrets.js';
import type { AppEnv } from '../context.js';
import { invalidSignature, readRawBody } from '../middleware/card-context.js';
import { standardWebhookProblem } from '../middleware/standard-webhooks.js';
import { parseJsonText, parseWith } from '../validate.js';

const MAX_BODY_BYTES = 64 * 1024;
const TenantParam = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a tenant id');

export function vitallyWebhookRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/:tenant', async (c) => {
    const tenantId = parseWith(TenantParam, c.req.param('tenant'), 400);
    const registered = await inboundSecretsOfTenant(c.env, 'vitally', tenantId);
    if (registered?.unreadable) {
      c.get('log').error('vitally_webhook.secret_unreadable', { tenant: tenantId });
      fail({ kind: 'conflict', code: 'inbound_secret_unreadable', message: 'The webhook secret of this tenant cannot be opened. An admin must issue a new one (POST /v1/tenants/:tenant/inbound-secrets/vitally).' });
    }
    const body = await readRawBody(c, MAX_BODY_BYTES);
    if (body === null) fail({ kind: 'validation', status: 400, message: 'Body too large', issues: [{ path: '(body)', message: `at most ${MAX_BODY_BYTES} bytes`, code: 'too_big' }] });
    const headers = { id: c.req.header('webhook-id'), timestamp: c.req.header('webhook-timestamp'), signature: c.req.header('webhook-signature') };
    const problem = await standardWebhookProblem(headers, body!, registered?.secrets ?? [], Date.now());
    if (problem) {
      c.get('log').warn('vitally_webhook.refused', { tenant: tenantId, reason: problem });
      return invalidSignature(c, problem);
    }
    const parsed = parseVitallyWebhook(parseJsonText(body!));
    if (!parsed.ok) fail({ kind: 'validation', status: 422, message: 'Not a Vitally webhook Concord reads', issues: parsed.issues });
    if (parsed.ok) {
      const message = await vitallyChange(parsed.event, headers.id!, tenantId, registered!.externalAccount, c.get('correlationId'));
      await enqueueChanges(c.env, [message]);
      c.get('log').with({ tenant: tenantId }).info('vitally_webhook.enqueued', { type: parsed.event.type, objectType: message.objectType });
    }
    return c.json({ accepted: true }, 202);
  });
  return r;
}
