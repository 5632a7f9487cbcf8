/**
 * HubSpot's per-account burst limits, enforced per sandbox tenant: 110 requests per rolling
 * 10 s (marketplace OAuth app) and CRM search at 5 requests per second.
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */

/** Rolling-window counter: `hit()` records a request if under the cap. */
export class RollingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly intervalMs: number,
  ) {}

  /** Drops hits older than the window and returns the live ones for `key`. */
  private live(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.intervalMs);
    this.hits.set(key, list);
    return list;
  }

  /** Records one request; returns false (and records nothing) when the window is full. */
  hit(key: string, now = Date.now()): boolean {
    const list = this.live(key, now);
    if (list.length >= this.max) return false;
    list.push(now);
    return true;
  }

  /** Requests still allowed in the current window. */
  remaining(key: string, now = Date.now()): number {
    return Math.max(0, this.max - this.live(key, now).length);
  }
}

/** Body of HubSpot's 429 answer. */
export function rateLimitBody(policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY', message: string): Record<string, unknown> {
  return {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId: crypto.randomUUID(),
    policyName,
    requestId: crypto.randomUUID(),
  };
}
