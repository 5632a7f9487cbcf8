/**
 * HubSpot's outgoing webhooks, emulated: an app's subscriptions per sandbox portal, set through
 * `PUT /__sandbox/webhooks`, and a sender that turns record changes made through the emulated CRM
 * API (sandbox/hubspot/store.ts `onObjectChange`) into signed POSTs to the app's target URL.
 *
 * As HubSpot does (https://developers.hubspot.com/docs/api/webhooks):
 * - events are batched briefly and sent as a JSON array of at most 100, each with `eventId,
 *   subscriptionId, portalId, appId, occurredAt (ms), subscriptionType, attemptNumber, objectId,
 *   propertyName, propertyValue, changeSource`;
 * - subscription kinds `creation`, `propertyChange`, `deletion` (an archive, single or batch),
 *   `restore` (the admin restore, as a user's restore of a deleted record) and `merge`, whose
 *   event adds `primaryObjectId`, `mergedObjectIds`, `newObjectId` and `numberOfPropertiesMoved`
 *   (https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks); its
 *   `objectId` is the record the merge made (HubSpot's documentation does not say which id it
 *   is; Concord reads the named fields, not `objectId`);
 * - each request carries `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(clientSecret, 'POST' +
 *   targetUrl + body + timestamp)) and `X-HubSpot-Request-Timestamp` (ms)
 *   (https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests);
 * - a delivery answered with a non-2xx status, or not within the timeout, is retried with
 *   `attemptNumber` + 1 and growing backoff (HubSpot: up to 10 times over 24 h; here bounded and
 *   quick, configurable per subscription set).
 * Fault knobs (POST /__sandbox/faults, hubspot): `webhookDuplicateRate` re-sends an event later
 * with the same eventId; `webhookReorder` shuffles each batch and holds some events back for a
 * later batch. With the knobs' `seed` the draws are deterministic.
 */
import { SANDBOX_APP_ID } from './installs.js';
import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../core/http.js';
import { knobRandom, planRound, postOnce } from '../core/outbound.js';
import type { SandboxState } from '../core/state.js';
import { SANDBOX_TENANTS, type HubSpotDataset, type SandboxTenant } from '../seed/types.js';
import { onObjectChange, type ObjectChange, type ObjectType } from './store.js';

/** Objects that can be subscribed to, by HubSpot's singular name. */
const OBJECT_NAMES: Partial<Record<ObjectType, string>> = { companies: 'company', contacts: 'contact', deals: 'deal' };
const SUBSCRIPTION_TYPE = /^(company|contact|deal)\.(creation|propertyChange|deletion|restore|merge)$/;

const subscriptionInput = z.union([
  z.string().regex(SUBSCRIPTION_TYPE, 'expected company|contact|deal . creation|propertyChange|deletion|restore|merge'),
  z
    .object({ subscriptionType: z.string().regex(SUBSCRIPTION_TYPE), propertyName: z.string().min(1).optional(), active: z.boolean().default(true) })
    .strict(),
]);

/** Body of `PUT /__sandbox/webhooks`. */
export const webhookConfigSchema = z
  .object({
    vendor: z.literal('hubspot'),
    tenant: z.enum(['demo', 'other']),
    targetUrl: z.string().url().refine((u) => /^https?:\/\//.test(u), 'http(s) URL'),
    clientSecret: z.string().min(8),
    appId: z.number().int().positive().default(SANDBOX_APP_ID),
    subscriptions: z.array(subscriptionInput).min(1).max(100),
    /** How long changes are collected before a batch is sent (tests set it long and flush). */
    batchDelayMs: z.number().int().min(0).max(600_000).default(100),
    /** Deliveries per batch, the first included. */
    maxAttempts: z.number().int().min(1).max(10).default(5),
    /** Backoff before retry n is retryBaseMs * 2^(n-1). */
    retryBaseMs: z.number().int().min(1).max(600_000).default(1_000),
    /** A target slower than this counts as failed (HubSpot waits about 5 s). */
    timeoutMs: z.number().int().min(50).max(30_000).default(5_000),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

interface Subscription {
  id: number;
  subscriptionType: string;
  propertyName?: string;
  active: boolean;
}

/** One event as HubSpot sends it (attemptNumber is set per delivery). */
export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
  /** Merge events only. */
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

/** A delivery attempt, as `GET /__sandbox/webhooks` shows it. */
export interface Delivery {
  at: string;
  attemptNumber: number;
  status: number | null;
  ok: boolean;
  error?: string;
  events: WebhookEvent[];
}

interface Queued {
  event: Omit<WebhookEvent, 'attemptNumber'>;
  /** Already held back once (reorder) / already a duplicate: never again, so nothing starves. */
  held?: boolean;
  duplicate?: boolean;
}

interface TenantHooks {
  config: WebhookConfig;
  subscriptions: Subscription[];
  pending: Queued[];
  timer?: ReturnType<typeof setTimeout>;
  deliveries: Delivery[];
}

const MAX_BATCH = 100;
const KEEP_DELIVERIES = 500;

/** HubSpot's v3 rule: these escapes are decoded in the URI that is signed. */
function signedForm(uri: string): string {
  const decoded: Record<string, string> = { '3A': ':', '2F': '/', '3F': '?', '40': '@', '21': '!', '24': '$', '27': "'", '28': '(', '29': ')', '2A': '*', '2C': ',', '3B': ';' };
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_, hex: string) => decoded[hex.toUpperCase()]!);
}

/** `X-HubSpot-Signature-v3` for a POST of `body` to `targetUrl` at `timestamp`. */
export function signatureV3(clientSecret: string, targetUrl: string, body: string, timestamp: string): string {
  return createHmac('sha256', clientSecret).update(`POST${signedForm(targetUrl)}${body}${timestamp}`).digest('base64');
}

/** The webhook sender of one sandbox: subscriptions, batching, signing, retries, fault knobs. */
export class WebhookSender {
  private readonly hooks = new Map<SandboxTenant, TenantHooks>();
  private nextEventId = 1_000_000_001;
  private nextSubscriptionId = 500_001;
  private lastOccurredAt = 0;
  private active = 0;

  constructor(private readonly state: SandboxState) {}

  configure(config: WebhookConfig): TenantHooks {
    const previous = this.hooks.get(config.tenant);
    if (previous?.timer) clearTimeout(previous.timer);
    const subscriptions = config.subscriptions.map((s) => {
      const spec = typeof s === 'string' ? { subscriptionType: s, active: true } : s;
      return { id: this.nextSubscriptionId++, ...spec };
    });
    const hooks: TenantHooks = { config, subscriptions, pending: previous?.pending ?? [], deliveries: previous?.deliveries ?? [] };
    this.hooks.set(config.tenant, hooks);
    if (hooks.pending.length > 0) this.schedule(config.tenant, hooks);
    return hooks;
  }

  remove(tenant: SandboxTenant): boolean {
    const hooks = this.hooks.get(tenant);
    if (hooks?.timer) clearTimeout(hooks.timer);
    return this.hooks.delete(tenant);
  }

  view(tenant: SandboxTenant): { config: Omit<WebhookConfig, 'clientSecret' | 'subscriptions'> & { subscriptions: Subscription[] }; pending: number; deliveries: Delivery[] } | null {
    const hooks = this.hooks.get(tenant);
    if (!hooks) return null;
    // The client secret is write-only, as in HubSpot's app settings.
    const { clientSecret: _secret, subscriptions: _subs, ...rest } = hooks.config;
    return { config: { ...rest, subscriptions: hooks.subscriptions }, pending: hooks.pending.length, deliveries: hooks.deliveries };
  }

  /** Called for every record change of any sandbox portal. */
  onChange(ds: HubSpotDataset, change: ObjectChange): void {
    const tenant = SANDBOX_TENANTS.find((t) => this.state.dataset(t).hubspot === ds);
    const hooks = tenant ? this.hooks.get(tenant) : undefined;
    const objectName = OBJECT_NAMES[change.type];
    if (!tenant || !hooks || !objectName) return;
    // One instant per change, strictly increasing, so events of successive changes order by time.
    const occurredAt = (this.lastOccurredAt = Math.max(Date.now(), this.lastOccurredAt + 1));
    const base = { portalId: ds.portalId, appId: hooks.config.appId, occurredAt, objectId: Number(change.objectId), changeSource: 'INTEGRATION' };
    for (const sub of hooks.subscriptions) {
      if (!sub.active) continue;
      const [subObject, kind] = sub.subscriptionType.split('.') as [string, string];
      if (subObject !== objectName) continue;
      if (kind === change.kind && (kind === 'creation' || kind === 'deletion' || kind === 'restore')) {
        hooks.pending.push({ event: { ...base, eventId: this.nextEventId++, subscriptionId: sub.id, subscriptionType: sub.subscriptionType } });
      }
      if (kind === 'merge' && change.kind === 'merge' && change.merge) {
        const m = change.merge;
        hooks.pending.push({
          event: {
            ...base, eventId: this.nextEventId++, subscriptionId: sub.id, subscriptionType: sub.subscriptionType,
            primaryObjectId: Number(m.primaryObjectId), mergedObjectIds: m.mergedObjectIds.map(Number), newObjectId: Number(m.newObjectId), numberOfPropertiesMoved: m.numberOfPropertiesMoved,
          },
        });
      }
      if (kind === 'propertyChange' && (change.kind === 'creation' || change.kind === 'propertyChange')) {
        // A creation sets its properties too: HubSpot reports those as property changes.
        for (const [name, value] of Object.entries(change.properties)) {
          if (value === null || (sub.propertyName && sub.propertyName !== name)) continue;
          hooks.pending.push({
            event: { ...base, eventId: this.nextEventId++, subscriptionId: sub.id, subscriptionType: sub.subscriptionType, propertyName: name, propertyValue: value },
          });
        }
      }
    }
    if (hooks.pending.length > 0) this.schedule(tenant, hooks);
  }

  private schedule(tenant: SandboxTenant, hooks: TenantHooks): void {
    if (hooks.timer) return;
    hooks.timer = setTimeout(() => {
      hooks.timer = undefined;
      void this.flush(tenant);
    }, hooks.config.batchDelayMs);
  }

  /** Sends what is pending for `tenant` now, applying the duplicate and reorder knobs. */
  async flush(tenant: SandboxTenant): Promise<void> {
    const hooks = this.hooks.get(tenant);
    if (!hooks || hooks.pending.length === 0) return;
    if (hooks.timer) {
      clearTimeout(hooks.timer);
      hooks.timer = undefined;
    }
    const taken = hooks.pending.splice(0, hooks.pending.length);
    const f = this.state.faults.hubspot;
    // Seeded draws of their own ('webhooks' stream), apart from the request faults of the same seed.
    const knobs = { duplicateRate: f?.webhookDuplicateRate ?? 0, reorder: f?.webhookReorder ?? false };
    const { send: batch, later } = planRound(taken, knobs, knobRandom(f, 'webhooks'));
    if (later.length > 0) {
      hooks.pending.push(...later);
      this.schedule(tenant, hooks);
    }
    this.active += 1;
    try {
      for (let i = 0; i < batch.length; i += MAX_BATCH) await this.deliver(hooks, batch.slice(i, i + MAX_BATCH).map((q) => q.event), 0);
    } finally {
      this.active -= 1;
    }
  }

  /** One POST of `events`; on failure a retry is scheduled with attemptNumber + 1. */
  private async deliver(hooks: TenantHooks, events: Omit<WebhookEvent, 'attemptNumber'>[], attemptNumber: number): Promise<void> {
    const { config } = hooks;
    const sent: WebhookEvent[] = events.map((e) => ({ ...e, attemptNumber }));
    const body = JSON.stringify(sent);
    const timestamp = String(Date.now());
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon (Concord sandbox)',
      'x-hubspot-signature-v3': signatureV3(config.clientSecret, config.targetUrl, body, timestamp),
      'x-hubspot-signature-version': 'v3',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-timeout-millis': String(config.timeoutMs),
    };
    const outcome = await postOnce(config.targetUrl, headers, body, config.timeoutMs);
    const record: Delivery = { at: new Date().toISOString(), attemptNumber, ...outcome, events: sent };
    hooks.deliveries.push(record);
    if (hooks.deliveries.length > KEEP_DELIVERIES) hooks.deliveries.splice(0, hooks.deliveries.length - KEEP_DELIVERIES);
    if (!record.ok && attemptNumber + 1 < config.maxAttempts && this.hooks.get(config.tenant) === hooks) {
      this.active += 1;
      setTimeout(() => {
        void this.deliver(hooks, events, attemptNumber + 1).finally(() => (this.active -= 1));
      }, config.retryBaseMs * 2 ** attemptNumber);
    }
  }

  /** Sends everything pending (held-back and duplicate events included) and waits for the retries. */
  async drain(tenant: SandboxTenant | undefined, timeoutMs = 30_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    const tenants = tenant ? [tenant] : [...this.hooks.keys()];
    while (Date.now() < until) {
      const busy = tenants.filter((t) => (this.hooks.get(t)?.pending.length ?? 0) > 0);
      for (const t of busy) await this.flush(t);
      if (busy.length === 0 && this.active === 0) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }
}

const tenantQuery = z.object({ tenant: z.enum(['demo', 'other']) });
const flushBody = z.object({ tenant: z.enum(['demo', 'other']).optional(), timeoutMs: z.number().int().min(1).max(120_000).optional() }).strict();
const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** Admin routes (mounted at `/__sandbox/webhooks`) over one sender wired to the CRM change hook. */
export function webhooksAdminApp(state: SandboxState): Hono {
  const sender = new WebhookSender(state);
  onObjectChange((ds, change) => sender.onChange(ds, change));
  const app = new Hono();

  app.put('/', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = webhookConfigSchema.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_webhooks', 'Invalid webhook configuration', issues(parsed.error));
    sender.configure(parsed.data);
    return c.json(sender.view(parsed.data.tenant));
  });

  app.get('/', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    const view = sender.view(q.data.tenant);
    return view ? c.json(view) : problem(c, 404, 'no_webhooks', 'No webhook subscriptions for this tenant');
  });

  app.delete('/', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    sender.remove(q.data.tenant);
    return c.body(null, 204);
  });

  app.post('/flush', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = flushBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_flush', 'Invalid flush request', issues(parsed.error));
    const idle = await sender.drain(parsed.data.tenant, parsed.data.timeoutMs);
    return c.json({ idle });
  });

  return app;
}
