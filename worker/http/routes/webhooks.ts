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
import { z } from 'zod';
import { fail, zodIssues, type FieldIssue } from '../../errors.js';
import { tenantForExternalAccount } from '../../storage/external-accounts.js';
import { enqueueChanges } from '../../queues/enqueue.js';
import { HubSpotWebhookEventSchema, hubspotChanges, type HubSpotWebhookEvent } from '../../connectors/hubspot/webhooks.js';
import type { CrmChange } from '../../queues/messages.js';
import type { AppEnv } from '../context.js';
import { verifyHubSpotV3 } from '../middleware/hubspot-signature.js';
import { parseJsonText } from '../validate.js';
import { deadLetterOversized, oversizedPortal } from './webhook-oversized.js';

/** 100 events with long property values fit; anything larger is not a HubSpot delivery. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** The body's shape before each event is checked on its own (so one event's size never fails the rest). */
const BatchSchema = z.array(z.unknown()).min(1).max(100);

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

    const batch = BatchSchema.safeParse(parseJsonText(body));
    if (!batch.success) fail({ kind: 'validation', status: 422, message: 'Not a HubSpot webhook batch', issues: zodIssues(batch.error.issues) });
    // Each event on its own: an event over a size cap only (issue code too_big) is dead-lettered
    // alone; any other malformed event means this is not a HubSpot delivery (422 for the batch).
    const events: HubSpotWebhookEvent[] = [];
    const oversized: unknown[] = [];
    const issues: FieldIssue[] = [];
    batch.data.forEach((raw, i) => {
      const one = HubSpotWebhookEventSchema.safeParse(raw);
      if (one.success) events.push(one.data);
      else if (one.error.issues.every((issue) => issue.code === 'too_big') && oversizedPortal(raw)) oversized.push(raw);
      else issues.push(...zodIssues(one.error.issues.map((issue) => ({ ...issue, path: [i, ...issue.path] }))));
    });
    if (issues.length > 0) fail({ kind: 'validation', status: 422, message: 'Not a HubSpot webhook batch', issues });

    const correlationId = c.get('correlationId');
    const tenants = new Map<string, string | null>();
    const portals = new Set([...events.map((e) => e.portalId), ...oversized.map((e) => oversizedPortal(e)!)]);
    for (const portal of portals) tenants.set(portal, await tenantForExternalAccount(c.env.DB, 'hubspot', portal));
    const messages: CrmChange[] = [];
    // Events taken (a merge event becomes one message per record merged away).
    let taken = 0;
    for (const e of events) {
      const tenantId = tenants.get(e.portalId);
      if (!tenantId) continue;
      messages.push(...(await hubspotChanges(e, tenantId, correlationId)));
      taken += 1;
    }
    let deadLettered = 0;
    for (const raw of oversized) {
      const tenantId = tenants.get(oversizedPortal(raw)!);
      if (!tenantId) continue;
      await deadLetterOversized(c.env, c.get('log').with({ tenant: tenantId }), tenantId, raw);
      deadLettered += 1;
    }
    const received = batch.data.length;
    const unknown = [...tenants].filter(([, t]) => t === null).map(([p]) => p);
    // Events of a portal no tenant is connected to are not Concord's to apply; they are counted
    // and logged, and acknowledged so HubSpot does not retry them for a day.
    if (unknown.length > 0) c.get('log').warn('hubspot_webhook.unknown_portal', { portals: unknown.slice(0, 10), events: received - taken - deadLettered });
    await enqueueChanges(c.env, messages);
    c.get('log').info('hubspot_webhook.enqueued', { events: messages.length, deadLettered, tenants: [...new Set(messages.map((m) => m.tenantId))] });
    return c.json({ received, enqueued: messages.length, ignored: received - taken - deadLettered, ...(deadLettered > 0 ? { deadLettered } : {}) });
  });

  return r;
}
