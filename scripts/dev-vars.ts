/**
 * `.dev.vars` handling: created from `.dev.vars.example` when missing, each "generate" value
 * replaced by a fresh random secret of the right shape; read back as a plain record.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

function secretFor(name: string): string {
  if (name === 'CONCORD_VAULT_KEYS') return `k1:${randomBytes(32).toString('base64url')}`;
  const prefix = name === 'CONCORD_OPERATOR_KEY' ? 'cnd_op_' : `cnd_${name.replace(/^CONCORD_|_API_KEY$/g, '').toLowerCase()}_`;
  return prefix + randomBytes(24).toString('base64url');
}

export function parseDevVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** Make sure `.dev.vars` exists; returns its values and whether it was just created. */
export function ensureDevVars(root: string): { vars: Record<string, string>; created: boolean } {
  const target = `${root}/.dev.vars`;
  let created = false;
  if (!existsSync(target)) {
    const example = readFileSync(`${root}/.dev.vars.example`, 'utf8');
    const filled = example.replace(/^([A-Z0-9_]+)=generate$/gm, (_, name: string) => `${name}=${secretFor(name)}`);
    writeFileSync(target, filled, { mode: 0o600 });
    created = true;
  }
  return { vars: parseDevVars(readFileSync(target, 'utf8')), created };
}
