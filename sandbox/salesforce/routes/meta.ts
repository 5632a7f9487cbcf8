/**
 * Org metadata resources: API versions, the version's resource list and `limits`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */
import { Hono } from 'hono';
import { API_VERSIONS, apiVersion, type SalesforceEnv } from '../context.js';

/** Release names by API version (three releases a year). */
const RELEASES: Record<string, string> = {
  '58.0': "Summer '23", '59.0': "Winter '24", '60.0': "Spring '24", '61.0': "Summer '24",
  '62.0': "Winter '25", '63.0': "Spring '25", '64.0': "Summer '25", '65.0': "Winter '26",
};

/** `GET /services/data`: no session needed, as on a real instance. */
export function versionList(): { label: string; url: string; version: string }[] {
  return API_VERSIONS.map((version) => ({ label: RELEASES[version] ?? version, url: `/services/data/v${version}`, version }));
}

/** Routes under /services/data/:version (resource list and limits). */
export function metaRoutes(usage: (tenant: string) => { used: number; max: number }): Hono<SalesforceEnv> {
  const app = new Hono<SalesforceEnv>();
  app.get('/', (c) => {
    const base = `/services/data/v${apiVersion(c)}`;
    const names = ['sobjects', 'query', 'queryAll', 'limits', 'composite'];
    return c.json(Object.fromEntries(names.map((n) => [n, `${base}/${n}`])));
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
