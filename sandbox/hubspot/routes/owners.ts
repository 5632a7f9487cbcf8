/**
 * CRM owners: `GET /crm/v3/owners/` (paged by `after`, `limit` up to 500, filter by `email`) and
 * `GET /crm/v3/owners/{ownerId}` (`idProperty=id|userId`). The owners are the users whose ids
 * appear in `hubspot_owner_id` on companies and deals (seeded by sandbox/seed/people.ts).
 * https://developers.hubspot.com/docs/api/crm/owners
 */
import { Hono, type Context } from 'hono';
import type { HubSpotOwner } from '../../seed/types.js';
import { HubSpotError, invalid } from '../errors.js';
import type { HubSpotEnv } from '../context.js';

/** An owner as the API returns it (PublicOwner). */
function present(o: HubSpotOwner): Record<string, unknown> {
  return {
    id: o.id, email: o.email, type: 'PERSON', firstName: o.firstName, lastName: o.lastName, userId: o.userId, userIdIncludingInactive: o.userId,
    createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived, teams: o.teams,
  };
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw invalid(`limit must be a positive integer, got ${raw}`);
  return Math.min(n, 500);
}

/** Routes under /crm/v3 (`/owners…`). */
export function ownerRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  const owners = (c: Context<HubSpotEnv>) => c.get('ds').owners ?? [];

  const list = (c: Context<HubSpotEnv>) => {
    const limit = limitOf(c.req.query('limit'));
    const after = Number(c.req.query('after') ?? '0');
    if (!Number.isInteger(after) || after < 0) throw invalid('after must be a paging cursor from a previous page');
    const archived = c.req.query('archived') === 'true';
    const email = c.req.query('email')?.toLowerCase();
    const matching = owners(c).filter((o) => o.archived === archived && (!email || o.email.toLowerCase() === email));
    const body: Record<string, unknown> = { results: matching.slice(after, after + limit).map(present) };
    if (after + limit < matching.length) {
      const url = new URL(c.req.url);
      url.searchParams.set('after', String(after + limit));
      body.paging = { next: { after: String(after + limit), link: url.toString() } };
    }
    return c.json(body);
  };
  // The SDK calls `/crm/v3/owners/` (trailing slash); both spellings are served.
  app.get('/owners', list);
  app.get('/owners/', list);

  app.get('/owners/:ownerId', (c) => {
    const idProperty = c.req.query('idProperty') ?? 'id';
    if (idProperty !== 'id' && idProperty !== 'userId') throw invalid(`idProperty must be id or userId, got ${idProperty}`);
    const archived = c.req.query('archived') === 'true';
    const key = c.req.param('ownerId');
    const found = owners(c).find((o) => o.archived === archived && (idProperty === 'id' ? o.id === key : String(o.userId) === key));
    if (!found) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Owner ${key} not found (idProperty ${idProperty}).`);
    return c.json(present(found));
  });
  return app;
}
