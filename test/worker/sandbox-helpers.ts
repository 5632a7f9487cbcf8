/**
 * Helpers for the connector tests that run against a private sandbox estate (started for them by
 * the worker project's global setup, since faults, clock and counters are global to a sandbox):
 * its admin calls, the requests it counted for one vendor, its fault knobs, and a logger that
 * keeps what a connector reported.
 */
import type { LimitCounters } from '../../sandbox/core/limits.js';
import type { SandboxTenant, Vendor } from '../../sandbox/seed/types.js';
import type { Logger } from '../../worker/ops/log.js';

export interface PrivateSandbox {
  /** POST a JSON body to the sandbox (`path` from its root); the answer is not checked. */
  post(path: string, body: unknown): Promise<Response>;
  /** What the sandbox counted for this vendor and sandbox tenant (zeros before any request). */
  counters(tenant?: SandboxTenant): Promise<LimitCounters>;
  /** Sets the fault knobs (`POST /__sandbox/faults`); `{}` clears them. Throws when refused. */
  faults(body: unknown): Promise<void>;
}

/** The admin side of the private sandbox at `url`, counting requests to `vendor`. */
export function privateSandbox(url: string, vendor: Vendor): PrivateSandbox {
  const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    post,
    async counters(tenant = 'demo') {
      const body = (await (await fetch(`${url}/__sandbox/limits`)).json()) as { counters: Record<string, Record<string, LimitCounters>> };
      return body.counters[vendor]?.[tenant] ?? { requests: 0, rateLimited: 0, serverErrors: 0, expired: 0, maxInFlight: 0, slotMs: 0, byRoute: {} };
    },
    async faults(body) {
      const res = await post('/__sandbox/faults', body);
      if (!res.ok) throw new Error(`faults: ${res.status}`);
    },
  };
}

export interface LoggedEvent {
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps the warnings and errors the connector reported (to see timeouts and retries). */
export function recordingLog(): Logger & { events: LoggedEvent[] } {
  const events: LoggedEvent[] = [];
  const log = {
    events,
    debug() {},
    info() {},
    warn: (msg: string, fields?: Record<string, unknown>) => void events.push({ msg, ...(fields ? { fields } : {}) }),
    error: (msg: string, fields?: Record<string, unknown>) => void events.push({ msg, ...(fields ? { fields } : {}) }),
    with: () => log,
  };
  return log;
}
