/**
 * The sandbox NetSuite account with Concord's event script installed (extensions/netsuite): after
 * a subscribed record is written (REST record/v1 or the admin actions in actions.ts), the emulated
 * script posts the same signed event the real one does:
 *   POST <url>  X-Concord-Account-Id, X-Concord-Timestamp (ms), X-Concord-Signature =
 *   base64(HMAC-SHA256(secret, POST\npathWithQuery\ntimestamp\nbody))
 *   {accountId, recordType, recordId, eventType, lastModified, eventId}
 * one event per request, each attempt signed anew, at most `maxAttempts` attempts while the target
 * fails in a retryable way (no answer, 408, 429, 5xx), as concord_event_lib.js does. The signature
 * is computed here with node:crypto, apart from the broker's WebCrypto verifier.
 *
 * Unlike NetSuite, whose afterSubmit runs before the save returns, the sandbox answers the write
 * first and posts right after (`delayMs`), so a slow target never slows the emulated API.
 * Fault knobs (POST /__sandbox/faults, netsuite): `netsuiteEventDuplicateRate` posts an event again
 * later with the same eventId, `netsuiteEventReorder` shuffles what is pending and holds some back,
 * `netsuiteEventLossRate` drops events (the callout that never arrived: only the broker's poll
 * finds those changes). With the knobs' `seed` the draws are deterministic.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { knobRandom, planRound, postOnce } from '../../core/outbound.js';
import type { SandboxState } from '../../core/state.js';
import type { SandboxTenant } from '../../seed/types.js';

/** Record types the script is deployed on, as SuiteScript names them. */
export type EventRecordType = 'invoice' | 'customerpayment' | 'creditmemo' | 'salesorder' | 'subscription' | 'customer';

/** The event body, in the script's key order (the body is signed as serialised). */
export interface NetSuiteEvent {
  accountId: string;
  recordType: EventRecordType;
  recordId: string;
  eventType: 'create' | 'edit' | 'delete';
  lastModified: string;
  eventId: string;
}

/** A record write the script would see. */
export type RecordChange = Omit<NetSuiteEvent, 'accountId' | 'eventId'>;

/** Body of `PUT /__sandbox/netsuite/events`: where the tenant's installed script posts. */
export const eventTargetSchema = z
  .object({
    tenant: z.enum(['demo', 'other']),
    /** The broker's endpoint, e.g. http://127.0.0.1:8787/v1/webhooks/netsuite (the sandbox allows http). */
    url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'http(s) URL'),
    /** The account's signing secret (in NetSuite: the API secret custsecret_concord_events). */
    secret: z.string().min(16).max(1024),
    /** Attempts per event, as the script parameter custscript_concord_max_attempts (1 to 5). */
    maxAttempts: z.number().int().min(1).max(5).default(3),
    /** Pause between attempts; the real script has none (SuiteScript cannot sleep). */
    retryDelayMs: z.number().int().min(0).max(60_000).default(0),
    /** How long changes wait before they are posted (tests set it long and flush). */
    delayMs: z.number().int().min(0).max(600_000).default(50),
    /** A target slower than this counts as failed (N/https gives up after 45 s). */
    timeoutMs: z.number().int().min(50).max(45_000).default(5_000),
  })
  .strict();

export type EventTarget = z.infer<typeof eventTargetSchema>;

/** One attempt, as `GET /__sandbox/netsuite/events` shows it. */
export interface EventDelivery {
  at: string;
  eventId: string;
  recordType: EventRecordType;
  recordId: string;
  eventType: string;
  attempt: number;
  /** A copy sent by the duplicate knob. */
  duplicate: boolean;
  status: number | null;
  ok: boolean;
  error?: string;
}

interface Pending {
  event: NetSuiteEvent;
  held?: boolean;
  duplicate?: boolean;
}

interface TenantEvents {
  target: EventTarget;
  pending: Pending[];
  timer?: ReturnType<typeof setTimeout>;
  /** Rounds run one after another, so events leave in order unless a knob reorders them. */
  chain: Promise<void>;
  busy: number;
  deliveries: EventDelivery[];
  lost: NetSuiteEvent[];
}

const KEEP = 500;

/** `X-Concord-Signature` for a POST of `body` to `url` at `timestamp` (the script's scheme). */
export function concordSignature(secret: string, url: string, timestamp: string, body: string): string {
  const { pathname, search } = new URL(url);
  return createHmac('sha256', secret).update(`POST\n${pathname}${search}\n${timestamp}\n${body}`, 'utf8').digest('base64');
}

/** Same rule as the script: worth another attempt when there was no answer, 408, 429 or 5xx. */
function retryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

/** The emulated event script of one sandbox (both tenants). */
export class NetSuiteEventSender {
  private readonly tenants = new Map<SandboxTenant, TenantEvents>();

  constructor(private readonly state: SandboxState) {}

  /** Installs (or reconfigures) the script for a tenant; pending events stay pending. */
  configure(target: EventTarget): void {
    const previous = this.tenants.get(target.tenant);
    if (previous?.timer) clearTimeout(previous.timer);
    const t: TenantEvents = {
      target,
      pending: previous?.pending ?? [],
      chain: previous?.chain ?? Promise.resolve(),
      busy: previous?.busy ?? 0,
      deliveries: previous?.deliveries ?? [],
      lost: previous?.lost ?? [],
    };
    this.tenants.set(target.tenant, t);
    if (t.pending.length > 0) this.schedule(target.tenant, t);
  }

  /** Uninstalls the script: nothing more is sent for the tenant. */
  remove(tenant: SandboxTenant): void {
    const t = this.tenants.get(tenant);
    if (t?.timer) clearTimeout(t.timer);
    this.tenants.delete(tenant);
  }

  /** What the admin API shows (the secret is write-only). */
  view(tenant: SandboxTenant): { target: Omit<EventTarget, 'secret'>; pending: number; deliveries: EventDelivery[]; lost: NetSuiteEvent[] } | null {
    const t = this.tenants.get(tenant);
    if (!t) return null;
    const { secret: _secret, ...target } = t.target;
    return { target, pending: t.pending.length, deliveries: t.deliveries, lost: t.lost };
  }

  /**
   * A subscribed record of `tenant` was written: queue its event. Null when the script is not
   * installed for the tenant (nothing is sent, as in an account without it).
   */
  recordChanged(tenant: SandboxTenant, change: RecordChange): NetSuiteEvent | null {
    const t = this.tenants.get(tenant);
    if (!t) return null;
    const event: NetSuiteEvent = {
      accountId: this.state.dataset(tenant).netsuite.accountId,
      recordType: change.recordType,
      recordId: change.recordId,
      eventType: change.eventType,
      lastModified: new Date(change.lastModified).toISOString(),
      eventId: randomUUID(),
    };
    t.pending.push({ event });
    this.schedule(tenant, t);
    return event;
  }

  private schedule(tenant: SandboxTenant, t: TenantEvents): void {
    if (t.timer) return;
    t.timer = setTimeout(() => {
      t.timer = undefined;
      void this.flush(tenant);
    }, t.target.delayMs);
  }

  /** Sends what is pending now (after any round already running), applying the fault knobs. */
  flush(tenant: SandboxTenant): Promise<void> {
    const t = this.tenants.get(tenant);
    if (!t) return Promise.resolve();
    if (t.timer) {
      clearTimeout(t.timer);
      t.timer = undefined;
    }
    // A round never throws (postOnce records failures); the catch keeps one bug from stopping the chain.
    t.chain = t.chain.then(() => this.round(tenant, t)).catch((err: unknown) => console.error('[sandbox] netsuite event round failed', err));
    return t.chain;
  }

  private async round(tenant: SandboxTenant, t: TenantEvents): Promise<void> {
    const taken = t.pending.splice(0, t.pending.length);
    if (taken.length === 0) return;
    const f = this.state.faults.netsuite;
    const knobs = { duplicateRate: f?.netsuiteEventDuplicateRate ?? 0, reorder: f?.netsuiteEventReorder ?? false, lossRate: f?.netsuiteEventLossRate ?? 0 };
    const { send, later, lost } = planRound(taken, knobs, knobRandom(f, 'netsuite-events'));
    t.lost.push(...lost.map((q) => q.event));
    if (t.lost.length > KEEP) t.lost.splice(0, t.lost.length - KEEP);
    if (later.length > 0) {
      t.pending.push(...later);
      this.schedule(tenant, t);
    }
    t.busy += 1;
    try {
      for (const q of send) {
        if (this.tenants.get(tenant) !== t) return; // uninstalled or reconfigured meanwhile
        await this.deliver(t, q);
      }
    } finally {
      t.busy -= 1;
    }
  }

  /** The script's delivery of one event: fresh timestamp and signature per attempt, bounded. */
  private async deliver(t: TenantEvents, q: Pending): Promise<void> {
    const { target } = t;
    const body = JSON.stringify(q.event);
    for (let attempt = 1; attempt <= target.maxAttempts; attempt += 1) {
      const timestamp = String(Date.now());
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Concord event script (NetSuite sandbox)',
        'x-concord-account-id': q.event.accountId,
        'x-concord-timestamp': timestamp,
        'x-concord-signature': concordSignature(target.secret, target.url, timestamp, body),
      };
      const outcome = await postOnce(target.url, headers, body, target.timeoutMs);
      const { eventId, recordType, recordId, eventType } = q.event;
      t.deliveries.push({ at: new Date().toISOString(), eventId, recordType, recordId, eventType, attempt, duplicate: q.duplicate === true, ...outcome });
      if (t.deliveries.length > KEEP) t.deliveries.splice(0, t.deliveries.length - KEEP);
      if (outcome.ok || !retryable(outcome.status)) return;
      if (attempt < target.maxAttempts && target.retryDelayMs > 0) await new Promise((r) => setTimeout(r, target.retryDelayMs));
    }
  }

  /** Sends everything pending (held-back and duplicate events included) and waits until idle. */
  async drain(tenant: SandboxTenant | undefined, timeoutMs = 30_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    const tenants = tenant ? [tenant] : [...this.tenants.keys()];
    while (Date.now() < until) {
      const busy = tenants.filter((x) => {
        const t = this.tenants.get(x);
        return t !== undefined && (t.pending.length > 0 || t.busy > 0);
      });
      if (busy.length === 0) return true;
      for (const x of busy) await Promise.race([this.flush(x), new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())))]);
    }
    return false;
  }
}

const senders = new WeakMap<SandboxState, NetSuiteEventSender>();

/** The one sender of a sandbox (the REST write hook and the admin routes share it). */
export function netsuiteEventsFor(state: SandboxState): NetSuiteEventSender {
  let sender = senders.get(state);
  if (!sender) senders.set(state, (sender = new NetSuiteEventSender(state)));
  return sender;
}
