/** Signed HubSpot card requests, as `hubspot.fetch` sends them (bench/card.ts, bench/cpu-profile.ts). */
import { createHmac } from 'node:crypto';
import { ensureDevVars } from '../../scripts/dev-vars.js';
import { ROOT, type Estate } from '../../scripts/estate.js';
import { linkOf, type AccountItem } from './accounts.js';

/** The escapes HubSpot decodes in the URI before signing (v3 rule). */
const DECODED: [string, string][] = [['%3A', ':'], ['%2F', '/'], ['%3F', '?'], ['%40', '@'], ['%21', '!'], ['%24', '$'], ['%27', "'"], ['%28', '('], ['%29', ')'], ['%2A', '*'], ['%2C', ','], ['%3B', ';']];

/** HubSpot's v3 signature: base64(HMAC-SHA256(secret, METHOD + URI + body + timestamp)). */
export function signedHeaders(secret: string, method: string, uri: string): Record<string, string> {
  const timestamp = String(Date.now());
  const signedUri = DECODED.reduce((acc, [from, to]) => acc.split(from).join(to), uri);
  const signature = createHmac('sha256', secret).update(`${method}${signedUri}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

/** A function that reads the demo tenant's HubSpot card of an account's company (the body read, the answer returned). */
export async function hubspotCard(estate: Estate): Promise<(a: AccountItem) => Promise<Response>> {
  const { vars } = ensureDevVars(ROOT);
  const secret = vars.HUBSPOT_CLIENT_SECRET!;
  // hubspot.fetch appends the app's id; the broker refuses another one.
  const appId = vars.HUBSPOT_APP_ID ?? '4242001';
  const portal = ((await (
    await fetch(`${estate.sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo' }) })
  ).json()) as { externalAccount: string }).externalAccount;
  return async (a) => {
    const uri = `${estate.brokerUrl}/v1/cards/hubspot/view?objectType=companies&objectId=${linkOf(a, 'hubspot')}&portalId=${portal}&userId=1&userEmail=csm%40example.com&appId=${appId}`;
    const res = await fetch(uri, { headers: signedHeaders(secret, 'GET', uri) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`card ${a.id}: ${res.status}`);
    return res;
  };
}
