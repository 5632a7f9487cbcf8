/**
 * Restoring a deleted record, which HubSpot offers in its UI (a record's "Restore" in the deleted
 * records list, within 90 days: https://knowledge.hubspot.com/records/restore-deleted-records)
 * and not in the CRM objects API: an admin route here, `POST /__sandbox/hubspot/restore`
 * `{tenant, objectType, id}`. The record comes back with its id, lists and search show it again,
 * and subscribers of `<object>.restore` get the event. A record archived by a merge cannot be
 * restored (HubSpot cannot undo a merge).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { SANDBOX_TENANTS } from '../seed/types.js';
import { HubSpotError } from './errors.js';
import { present } from './shape.js';
import { resolveType, restoreObject } from './store.js';

const restoreBody = z.object({ tenant: z.enum(SANDBOX_TENANTS), objectType: z.string().min(1), id: z.string().regex(/^\d{1,20}$/) }).strict();

/** Admin routes (mount at `/__sandbox/hubspot`): restore a deleted record as a user does. */
export function restoreAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  app.post('/restore', async (c) => {
    const body = await readJson(c);
    const parsed = body.ok ? restoreBody.safeParse(body.value) : null;
    if (!parsed?.success) return problem(c, 400, 'invalid_restore', 'Send {tenant: "demo"|"other", objectType, id}');
    try {
      const ds = state.dataset(parsed.data.tenant).hubspot;
      const type = resolveType(parsed.data.objectType);
      return c.json(present(ds, type, restoreObject(ds, type, parsed.data.id, new Date().toISOString())));
    } catch (err) {
      if (err instanceof HubSpotError) return problem(c, err.status, err.status === 404 ? 'not_found' : 'restore_refused', 'Cannot restore the record', err.message);
      throw err;
    }
  });
  return app;
}
