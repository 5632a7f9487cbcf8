/**
 * Which outbound base URLs Concord accepts (connections, OAuth config, Salesforce instance_url):
 * https anywhere; plain http only to this machine (the sandbox estate). Never throws, so it is
 * safe inside a zod refinement that runs after `.url()` already failed.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isAllowedBaseUrl(value: string, opts: { allowQuery?: boolean } = {}): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  if (u.username || u.password || u.hash || (!opts.allowQuery && u.search)) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
}
