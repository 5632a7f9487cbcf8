/**
 * Operator vault maintenance: `POST /v1/operator/vault/rotate` re-encrypts every stored secret
 * (connection credentials, pending OAuth verifiers) under the active key, the first entry of
 * CONCORD_VAULT_KEYS. Mounted inside the operator routes, behind the operator key.
 * Rotation: put the new key first, keep the old one listed, call this, then drop the old key.
 */
import { Hono } from 'hono';
import type { OAuthEnv } from '../../services/oauth/config.js';
import { resealStates } from '../../services/oauth/states.js';
import { resealConnections } from '../../storage/connections.js';
import { activeKeyId } from '../../storage/vault.js';
import type { AppEnv } from '../context.js';

export function vaultRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/rotate', async (c) => {
    const env = c.env as OAuthEnv;
    const connections = await resealConnections(env);
    const oauthStates = await resealStates(env);
    c.get('log').info('vault.rotated', { resealed: connections.resealed, failed: connections.failed.length });
    // 200 even with failures: the report names the rows an operator must look at.
    return c.json({ activeKeyId: await activeKeyId(env), connections, oauthStates });
  });
  return r;
}
