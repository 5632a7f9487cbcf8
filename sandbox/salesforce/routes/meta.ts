/**
 * Org metadata resources: API versions, the version's resource list and `limits`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */
import { Hono } from 'hono';
import { API_VERSIONS, apiVersion, type SalesforceEnv } from '../context.js';
import { identityUrl } from '../identity.js';

/**
 * The release that introduced an API version: three a year (Spring, Summer, Winter), each one
 * version; 58.0 was Summer '23, and Winter releases carry the next year's name.
 */
export function releaseLabel(version: string): string {
  const steps = Number.parseInt(version, 10) - 58;
  const season = (['Summer', 'Winter', 'Spring'] as const)[((steps % 3) + 3) % 3]!;
  // Summer '23 is step 0; Winter '24 and Spring '24 follow it, then Summer '24.
  const year = 23 + Math.floor((steps + 2) / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

/** `GET /services/data`: every served version, oldest first, no session needed, as on a real instance. */
export function versionList(): { label: string; url: string; version: string }[] {
  return API_VERSIONS.map((version) => ({ label: releaseLabel(version), url: `/services/data/v${version}`, version }));
}

/** Routes under /services/data/:version (resource list and limits). */
export function metaRoutes(usage: (tenant: string) => { used: number; max: number }): Hono<SalesforceEnv> {
  const app = new Hono<SalesforceEnv>();
  // The version's resources; `identity` is the session user's identity URL (jsforce's
  // `identity()` reads it from here).
  app.get('/', (c) => {
    const base = `/services/data/v${apiVersion(c)}`;
    const names = ['sobjects', 'query', 'queryAll', 'limits', 'composite'];
    const instanceUrl = `${new URL(c.req.url).origin}/salesforce`;
    return c.json({ ...Object.fromEntries(names.map((n) => [n, `${base}/${n}`])), identity: identityUrl(instanceUrl, c.get('ds')) });
  });
  app.get('/limits', (c) => {
    apiVersion(c);
    const { used, max } = usage(c.get('tenant'));
    return c.json({
      DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
      DataStorageMB: { Max: 1024, Remaining: 1000 },
    });
  });
  return app;
}
