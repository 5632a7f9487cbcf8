/**
 * Vitally playbook webhooks, emulated: a playbook whose "Send a webhook" action fires when an
 * account's health score changes, a task (onboarding milestone) is created or changed, or a
 * conversation (escalation) is opened or closed, posting to a target Concord issued for the tenant.
 * Vitally does not sign playbook webhooks itself; the sandbox signs them as Concord expects, with
 * the Standard Webhooks scheme
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 *   webhook-id         msg_<uuid>, the same for a retry or a duplicate of one event
 *   webhook-timestamp  Unix seconds of the attempt
 *   webhook-signature  v1,<base64 HMAC-SHA256(base64-decoded whsec_ secret, id.timestamp.body)>
 *   body               {"type":"<object>.<event>","timestamp":ISO,"data":{"accountId","id"?,"updatedAt"}}
 * Changes made through the REST API (PUT /resources/tasks/:id, POST /resources/tasks) and the
 * admin routes (admin.ts: set a health score, complete a milestone, open or close an escalation)
 * emit. Fault knobs (POST /__sandbox/faults, vitally): `webhookDuplicateRate` sends an event again
 * later with the same webhook-id, `webhookReorder` shuffles and holds some back (core/outbound.ts).
 * Failed deliveries (no answer, 429, 5xx) are retried with backoff; 4xx are not.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SandboxFaults } from '../core/faults.js';
import { appendBounded, KnobRandom, OutboundQueue, type AttemptOutcome } from '../core/outbound-queue.js';
import { postOnce } from '../core/outbound.js';
import type { SandboxState } from '../core/state.js';
import type { SandboxTenant } from '../seed/types.js';

/** Body of `PUT /__sandbox/vitally/webhooks`. */
export const webhookTargetSchema = z
  .object({
    tenant: z.enum(['demo', 'other']),
    /** Concord's `/v1/webhooks/vitally/:tenant` URL (http allowed in the sandbox). */
    url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'http(s) URL'),
    /** The Standard Webhooks secret Concord issued (`whsec_` + base64). */
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/, 'a Standard Webhooks secret (whsec_ + base64)'),
    maxAttempts: z.number().int().min(1).max(10).default(3),
    retryBaseMs: z.number().int().min(1).max(60_000).default(500),
    /** How long changes wait before they are posted (tests set it long and flush). */
    batchDelayMs: z.number().int().min(0).max(600_000).default(50),
    timeoutMs: z.number().int().min(50).max(60_000).default(5_000),
  })
  .strict();
export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

/** One change a playbook reports. */
export interface PlaybookEvent {
  type: 'account.health_score_changed' | 'task.created' | 'task.updated' | 'task.completed' | 'conversation.created' | 'conversation.closed';
  accountId: string;
  /** The task or conversation (absent for account events). */
  id?: string;
  updatedAt: string;
}

interface Outgoing {
  webhookId: string;
  body: string;
  event: PlaybookEvent;
}

export interface WebhookDelivery {
  at: string;
  webhookId: string;
  type: string;
  attempt: number;
  duplicate: boolean;
  status: number | null;
  ok: boolean;
  error?: string;
}

interface Installed {
  target: WebhookTarget;
  queue: OutboundQueue<Outgoing, { item: Outgoing; duplicate: boolean }>;
  deliveries: WebhookDelivery[];
}

const KEEP = 2_000;

/** `webhook-signature` for one attempt (node:crypto, apart from the broker's WebCrypto verifier). */
export function standardWebhookSignature(secret: string, webhookId: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The emulated playbook webhooks of one sandbox (both tenants). */
export class VitallyWebhooks {
  private readonly installed = new Map<SandboxTenant, Installed>();
  private readonly random = new KnobRandom('vitally-webhooks');

  constructor(private readonly state: SandboxState) {}

  configure(target: WebhookTarget): void {
    const previous = this.installed.get(target.tenant);
    previous?.queue.stop();
    let installed: Installed;
    const queue = new OutboundQueue<Outgoing, { item: Outgoing; duplicate: boolean }>({
      settings: () => ({ batchDelayMs: target.batchDelayMs, maxAttempts: target.maxAttempts, retryBaseMs: target.retryBaseMs, maxRetryDelayMs: 10_000 }),
      knobs: () => {
        const f = this.state.faults.vitally;
        return { duplicateRate: f?.webhookDuplicateRate ?? 0, reorder: f?.webhookReorder ?? false };
      },
      random: () => this.random.for(this.state.faults.vitally as SandboxFaults | undefined),
      units: (items) => items.map((q) => ({ item: q.item, duplicate: q.duplicate === true })),
      send: (unit, attempt) => this.send(installed, unit, attempt),
      alive: () => this.installed.get(target.tenant) === installed,
    });
    installed = { target, queue, deliveries: previous?.deliveries ?? [] };
    this.installed.set(target.tenant, installed);
    if (previous && previous.queue.pending.length > 0) queue.push(...previous.queue.pending.splice(0));
  }

  remove(tenant: SandboxTenant): void {
    this.installed.get(tenant)?.queue.stop();
    this.installed.delete(tenant);
  }

  view(tenant: SandboxTenant): { target: Omit<WebhookTarget, 'secret'>; pending: number; deliveries: WebhookDelivery[] } | null {
    const i = this.installed.get(tenant);
    if (!i) return null;
    const { secret: _secret, ...target } = i.target;
    return { target, pending: i.queue.pending.length, deliveries: i.deliveries };
  }

  /** A change in `tenant`'s workspace: queued when a target is configured, else nothing is sent. */
  emit(tenant: SandboxTenant, event: PlaybookEvent): void {
    const installed = this.installed.get(tenant);
    if (!installed) return;
    const body = JSON.stringify({ type: event.type, timestamp: new Date().toISOString(), data: { accountId: event.accountId, ...(event.id ? { id: event.id } : {}), updatedAt: event.updatedAt } });
    installed.queue.push({ item: { webhookId: `msg_${randomUUID()}`, body, event } });
  }

  async drain(tenant: SandboxTenant | undefined, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (const t of tenant ? [tenant] : [...this.installed.keys()]) {
      const q = this.installed.get(t)?.queue;
      if (q && !(await q.drain(Math.max(1, until - Date.now())))) return false;
    }
    return true;
  }

  private async send(installed: Installed, unit: { item: Outgoing; duplicate: boolean }, attempt: number): Promise<AttemptOutcome> {
    const { target } = installed;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const result = await postOnce(
      target.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Vitally-Webhooks (Concord sandbox)',
        'webhook-id': unit.item.webhookId,
        'webhook-timestamp': timestamp,
        'webhook-signature': standardWebhookSignature(target.secret, unit.item.webhookId, timestamp, unit.item.body),
      },
      unit.item.body,
      target.timeoutMs,
    );
    appendBounded(installed.deliveries, { at: new Date().toISOString(), webhookId: unit.item.webhookId, type: unit.item.event.type, attempt: attempt + 1, duplicate: unit.duplicate, ...result }, KEEP);
    return { ok: result.ok, retryable: result.status === null || result.status === 429 || result.status >= 500 };
  }
}

const senders = new WeakMap<SandboxState, VitallyWebhooks>();

/** The one webhook sender of a sandbox (the REST routes and the admin routes share it). */
export function vitallyWebhooksFor(state: SandboxState): VitallyWebhooks {
  let sender = senders.get(state);
  if (!sender) senders.set(state, (sender = new VitallyWebhooks(state)));
  return sender;
}
