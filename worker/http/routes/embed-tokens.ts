/**
 * Admin: mint an embed token for one account (`POST /v1/tenants/:tenant/embed-tokens`, tenant API
 * key). The host page's backend calls this and hands the token to the CSM panel in the browser.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { MAX_TTL_SECONDS, mintEmbedToken } from '../../services/embed-token.js';
import { getAccount } from '../../storage/identity.js';
import type { AppEnv } from '../context.js';
import { jsonBody } from '../validate.js';

const MintBody = z
  .object({
    accountId: z.string().regex(/^acc_[a-f0-9]{32}$/, 'an account id like acc_<32 hex>'),
    ttlSeconds: z.number().int().min(60).max(MAX_TTL_SECONDS).optional(),
  })
  .strict();

export function embedTokenRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/', async (c) => {
    const body = await jsonBody(c, MintBody);
    const tenantId = c.get('tenantId');
    // Only accounts of this tenant: a token must never name an account the tenant cannot see.
    if (!(await getAccount(c.env.DB, tenantId, body.accountId))) fail({ kind: 'not_found', entity: 'account', id: body.accountId });
    const minted = await mintEmbedToken(c.env, { tenantId, accountId: body.accountId }, body.ttlSeconds);
    c.get('log').info('embed_token.minted', { accountId: body.accountId, actor: c.get('actor'), expiresAt: minted.expiresAt });
    c.header('cache-control', 'no-store');
    return c.json(minted, 201);
  });
  return r;
}
