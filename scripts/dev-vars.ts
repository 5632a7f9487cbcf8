/**
 * `.dev.vars` handling: created from `.dev.vars.example` when missing, each "generate" value
 * replaced by a fresh random secret of the right shape; read back as a plain record.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

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

const fill = (text: string) => text.replace(/^([A-Z0-9_]+)=generate$/gm, (_, name: string) => `${name}=${secretFor(name)}`);

/**
 * Make sure `.dev.vars` exists and has every variable `.dev.vars.example` lists (a checkout that
 * gained a new variable gets it appended, generated if secret); returns the values.
 */
export function ensureDevVars(root: string): { vars: Record<string, string>; created: boolean } {
  const target = `${root}/.dev.vars`;
  const example = readFileSync(`${root}/.dev.vars.example`, 'utf8');
  if (!existsSync(target)) {
    writeFileSync(target, fill(example), { mode: 0o600 });
    return { vars: parseDevVars(readFileSync(target, 'utf8')), created: true };
  }
  const current = readFileSync(target, 'utf8');
  const have = parseDevVars(current);
  const missing = example.split(/\r?\n/).filter((line) => {
    const m = /^([A-Z0-9_]+)=/.exec(line);
    return m !== null && !(m[1]! in have);
  });
  if (missing.length > 0) appendFileSync(target, `${current.endsWith('\n') ? '' : '\n'}${fill(missing.join('\n'))}\n`);
  return { vars: parseDevVars(readFileSync(target, 'utf8')), created: false };
}
