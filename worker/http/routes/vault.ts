/**
 * Operator vault maintenance: `POST /v1/operator/vault/rotate` re-encrypts every sealed value
 * (every table of the sealed-column registry, storage/sealed-columns.ts: connection credentials,
 * pending OAuth verifiers, inbound signing secrets) under the active key, the first entry of
 * CONCORD_VAULT_KEYS, and reports per table. Mounted inside the operator routes.
 * Rotation: put the new key first, keep the old one listed, call this, then drop the old key
 * once no table reports a failure.
 */
import { Hono } from 'hono';
import { resealAll } from '../../storage/sealed-columns.js';
import { activeKeyId } from '../../storage/vault.js';
import type { AppEnv } from '../context.js';

export function vaultRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/rotate', async (c) => {
    const tables = await resealAll(c.env);
    const failed = Object.values(tables).reduce((n, t) => n + t.failed.length, 0);
    c.get('log').info('vault.rotated', { tables: Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, t.resealed])), failed });
    // 200 even with failures: the report names the rows an operator must look at.
    return c.json({ activeKeyId: await activeKeyId(c.env), tables, failed });
  });
  return r;
}
