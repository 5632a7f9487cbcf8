/**
 * Sandbox admin for a NetSuite account's date and time format preferences (in NetSuite: Setup >
 * Company > General Preferences, or each user's Set Preferences). They decide how SuiteQL writes
 * date and datetime columns; record/v1 is not affected (ISO dates, UTC datetimes).
 *   GET /__sandbox/netsuite/preferences?tenant=demo  -> {tenant, dateFormat, timeFormat, dateFormats, timeFormats}
 *   PUT /__sandbox/netsuite/preferences {tenant, dateFormat?, timeFormat?}
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { isSandboxTenant } from '../core/tokens.js';
import { SANDBOX_TENANTS } from '../seed/types.js';
import { NETSUITE_DATE_FORMATS, NETSUITE_TIME_FORMATS } from './suiteql/dates.js';

const body = z
  .object({ tenant: z.enum(['demo', 'other']), dateFormat: z.enum(NETSUITE_DATE_FORMATS).optional(), timeFormat: z.enum(NETSUITE_TIME_FORMATS).optional() })
  .strict();

/** The preferences admin routes (mounted at `/__sandbox`). */
export function preferencesAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  const answer = (tenant: 'demo' | 'other') => ({ tenant, ...state.netsuitePreferences[tenant], dateFormats: NETSUITE_DATE_FORMATS, timeFormats: NETSUITE_TIME_FORMATS });
  app.get('/netsuite/preferences', (c) => {
    const tenant = c.req.query('tenant') ?? 'demo';
    if (!isSandboxTenant(tenant)) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', `tenant must be one of ${SANDBOX_TENANTS.join(', ')}`);
    return c.json(answer(tenant));
  });
  app.put('/netsuite/preferences', async (c) => {
    const raw = await readJson(c);
    if (!raw.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', raw.error);
    const parsed = body.safeParse(raw.value);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      return problem(c, 400, 'invalid_preferences', `tenant must be demo|other, dateFormat one of ${NETSUITE_DATE_FORMATS.join(', ')}, timeFormat one of ${NETSUITE_TIME_FORMATS.join(', ')}`, detail);
    }
    const { tenant, ...prefs } = parsed.data;
    state.netsuitePreferences[tenant] = { ...state.netsuitePreferences[tenant], ...prefs };
    return c.json(answer(tenant));
  });
  return app;
}
