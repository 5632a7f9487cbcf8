/**
 * `npm run vault:rotate`: re-encrypt every stored secret under the newest vault key, inside the
 * Worker (POST /v1/operator/vault/rotate), so the keys never leave it.
 *
 * Rotation: generate a key, put it FIRST in CONCORD_VAULT_KEYS (keep the old ones after it),
 * deploy/restart, run this, then remove the old key once the report shows no failures.
 * Usage: `npm run vault:rotate [-- --url http://127.0.0.1:8787]`; the operator key comes from
 * CONCORD_OPERATOR_KEY in the environment or .dev.vars. `--new-key` prints a fresh key entry.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDevVars } from './dev-vars.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  if (process.argv.includes('--new-key')) {
    console.log(`k${Date.now().toString(36)}:${randomBytes(32).toString('base64url')}`);
    return 0;
  }
  const devVars = existsSync(`${ROOT}.dev.vars`) ? parseDevVars(readFileSync(`${ROOT}.dev.vars`, 'utf8')) : {};
  const key = process.env['CONCORD_OPERATOR_KEY'] ?? devVars['CONCORD_OPERATOR_KEY'];
  const url = (arg('--url') ?? process.env['CONCORD_URL'] ?? `http://127.0.0.1:${process.env['CONCORD_PORT'] ?? 8787}`).replace(/\/+$/, '');
  if (!key) {
    console.error('No operator key: set CONCORD_OPERATOR_KEY or run from a checkout with .dev.vars.');
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${url}/v1/operator/vault/rotate`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  } catch {
    console.error(`The broker at ${url} did not answer (is it running? pass --url).`);
    return 1;
  }
  const body = (await res.json().catch(() => null)) as { activeKeyId?: string; tables?: Record<string, { resealed: number; alreadyCurrent: number; failed: Record<string, string>[] }> } | null;
  if (!res.ok || !body?.tables) {
    console.error(`Rotation failed: HTTP ${res.status} ${JSON.stringify(body)}`);
    return 1;
  }
  let failed = 0;
  console.log(`active key ${body.activeKeyId}:`);
  for (const [table, t] of Object.entries(body.tables)) {
    console.log(`  ${table}: ${t.resealed} re-encrypted, ${t.alreadyCurrent} already current, ${t.failed.length} failed`);
    for (const f of t.failed) console.error(`    could not open ${table} ${JSON.stringify(f)}: its key is missing from CONCORD_VAULT_KEYS or the row was altered (reconnect / reissue it)`);
    failed += t.failed.length;
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
