/**
 * Helpers for the limits/faults contract tests. Each test file starts its OWN sandbox (faults,
 * clock and limit counters are global to a sandbox, and the shared contract sandbox is used by
 * other files in parallel) and mounts the limit admin routes on it.
 */
import { createSandbox, type Sandbox, type SandboxListener } from '../../sandbox/server.js';
import type { LimitCounters } from '../../sandbox/core/limits.js';
import type { SandboxTenant, Vendor } from '../../sandbox/seed/types.js';
import type { Logger } from '../../worker/ops/log.js';

export const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {}, with: () => quietLog };

export interface LimitSandbox {
  sandbox: Sandbox;
  listener: SandboxListener;
  url: string;
  post(path: string, body: unknown): Promise<Response>;
  token(vendor: Vendor, tenant?: SandboxTenant): Promise<string>;
  counters(vendor: Vendor, tenant?: SandboxTenant): Promise<LimitCounters>;
  faults(body: unknown): Promise<void>;
}

/** A private sandbox (pinned anchor date); its `/__sandbox/clock` and `/__sandbox/limits` are the server's own. */
export async function startLimitSandbox(): Promise<LimitSandbox> {
  const sandbox = createSandbox({ anchorDate: '2026-11-26' });
  const listener = await sandbox.listen(0);
  const url = listener.url;
  const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    sandbox,
    listener,
    url,
    post,
    async token(vendor, tenant = 'demo') {
      const res = await post('/__sandbox/tokens', { vendor, tenant });
      return ((await res.json()) as { accessToken: string }).accessToken;
    },
    async counters(vendor, tenant = 'demo') {
      const body = (await (await fetch(`${url}/__sandbox/limits`)).json()) as { counters: Record<string, Record<string, LimitCounters>> };
      return body.counters[vendor]?.[tenant] ?? { requests: 0, rateLimited: 0, serverErrors: 0, expired: 0, maxInFlight: 0, slotMs: 0, byRoute: {} };
    },
    async faults(body) {
      const res = await post('/__sandbox/faults', body);
      if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
    },
  };
}

/** Back to a calm vendor between tests: no faults, real clock, fresh counters, 5 NetSuite slots. */
export async function resetLimitSandbox(sb: LimitSandbox): Promise<void> {
  await sb.faults({});
  await sb.post('/__sandbox/clock', { offsetMs: 0 });
  await sb.post('/__sandbox/limits', { reset: true, netsuiteConcurrency: 5 });
}
