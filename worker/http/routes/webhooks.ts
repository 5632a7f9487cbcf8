/**
 * Inbound CRM webhooks, mounted at /v1/webhooks. HubSpot posts every installed portal's events to
 * the app's one target URL, so the tenant comes from each event's `portalId` (the connection that
 * records that portal), never from the path.
 *
 * https://developers.hubspot.com/docs/api/webhooks — a JSON array of up to 100 events, signed with
 * X-HubSpot-Signature-v3 (https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests);
 * HubSpot waits about 5 s and retries a delivery that fails or times out. So this route only
 * verifies, validates, normalises and enqueues, and answers at once: no vendor call here.
 */
import { Hono } from 'hono';
import { fail, zodIssues } from '../../errors.js';
import { tenantForExternalAccount } from '../../storage/external-accounts.js';
import { HubSpotWebhookBodySchema, hubspotChange } from '../../connectors/hubspot/webhooks.js';
import type { CrmChange } from '../../queues/messages.js';
import type { AppEnv } from '../context.js';
import { verifyHubSpotV3 } from '../middleware/hubspot-signature.js';
import { parseJsonText } from '../validate.js';

/** 100 events with long property values fit; anything larger is not a HubSpot delivery. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Cloudflare Queues: at most 100 messages and 256 KB per sendBatch. */
const SEND_BATCH_BYTES = 200 * 1024;

/** Sends messages in sendBatch calls that respect the queue's count and size limits. */
async function enqueue(queue: Queue<CrmChange>, messages: CrmChange[]): Promise<void> {
  let chunk: MessageSendRequest<CrmChange>[] = [];
  let bytes = 0;
  for (const body of messages) {
    const size = JSON.stringify(body).length;
    if (chunk.length === 100 || (chunk.length > 0 && bytes + size > SEND_BATCH_BYTES)) {
      await queue.sendBatch(chunk);
      (chunk = []), (bytes = 0);
    }
    chunk.push({ body, contentType: 'json' });
    bytes += size;
  }
  if (chunk.length > 0) await queue.sendBatch(chunk);
}

export function webhookRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/hubspot', async (c) => {
    const verified = await verifyHubSpotV3(c, {
      maxBodyBytes: MAX_WEBHOOK_BYTES,
      maxBodyText: `at most ${MAX_WEBHOOK_BYTES} bytes`,
      notConfiguredEvent: 'hubspot_webhook.not_configured',
      mismatchEvent: 'hubspot_webhook.signature_mismatch',
    });
    if ('refused' in verified) return verified.refused;
    const { body } = verified;

    const parsed = HubSpotWebhookBodySchema.safeParse(parseJsonText(body));
    if (!parsed.success) fail({ kind: 'validation', status: 422, message: 'Not a HubSpot webhook batch', issues: zodIssues(parsed.error.issues) });

    const correlationId = c.get('correlationId');
    const tenants = new Map<string, string | null>();
    for (const portal of new Set(parsed.data.map((e) => e.portalId))) tenants.set(portal, await tenantForExternalAccount(c.env.DB, 'hubspot', portal));
    const messages: CrmChange[] = [];
    for (const e of parsed.data) {
      const tenantId = tenants.get(e.portalId);
      if (tenantId) messages.push(await hubspotChange(e, tenantId, correlationId));
    }
    const unknown = [...tenants].filter(([, t]) => t === null).map(([p]) => p);
    // Events of a portal no tenant is connected to are not Concord's to apply; they are counted
    // and logged, and acknowledged so HubSpot does not retry them for a day.
    if (unknown.length > 0) c.get('log').warn('hubspot_webhook.unknown_portal', { portals: unknown.slice(0, 10), events: parsed.data.length - messages.length });
    await enqueue(c.env.EVENTS, messages);
    c.get('log').info('hubspot_webhook.enqueued', { events: messages.length, tenants: [...new Set(messages.map((m) => m.tenantId))] });
    return c.json({ received: parsed.data.length, enqueued: messages.length, ignored: parsed.data.length - messages.length });
  });

  return r;
}
