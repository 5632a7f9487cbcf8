/**
 * Issue 8, item 8 (framing): the admin console may only be framed by Concord itself
 * (`frame-ancestors 'self'`), the CSM panel only by the CRM origins it is embedded in, and the
 * demo page by nobody; checked on the estate exactly as `npm start` serves the static assets.
 */
import { describe, expect, inject, it } from 'vitest';

const broker = inject('brokerUrl');

const frameAncestors = (res: Response) => /frame-ancestors ([^;]+)/.exec(res.headers.get('content-security-policy') ?? '')?.[1]?.trim() ?? null;

describe('framing protection', () => {
  it("console pages send frame-ancestors 'self'", async () => {
    for (const path of ['/widgets/console', '/widgets/console.html']) {
      const res = await fetch(`${broker}${path}`, { redirect: 'follow' });
      expect(res.status, path).toBe(200);
      expect(frameAncestors(res), path).toBe("'self'");
      await res.arrayBuffer();
    }
  });

  it('the CSM panel is framable only by the CRM origins (HubSpot, Salesforce)', async () => {
    const res = await fetch(`${broker}/widgets/panel`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    const sources = (frameAncestors(res) ?? '').split(/\s+/);
    expect(sources).toContain('https://app.hubspot.com');
    expect(sources).toContain('https://*.lightning.force.com');
    expect(sources).not.toContain('*');
    expect(sources.every((s) => s === "'self'" || /^https:\/\/(\*\.)?[a-z0-9.-]+$/.test(s))).toBe(true);
    await res.arrayBuffer();
  });
});
