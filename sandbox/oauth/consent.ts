/**
 * The sandbox's authorize endpoint and consent page, shared by the HubSpot and Salesforce
 * emulators: `GET` validates the request and shows a page with the sandbox account to install
 * into and an Approve button; `POST` (the button) redirects to `redirect_uri` with `code` and
 * `state`, or `error=access_denied`. Codes are single use and bound to the PKCE challenge.
 * HubSpot: https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 * Salesforce: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 */
import type { Context } from 'hono';
import { SANDBOX_TENANTS, type SandboxTenant, type Vendor } from '../seed/types.js';
import type { OAuthStore } from './store.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeChallenge: string | null;
}

function page(title: string, body: string, status: 200 | 400 = 200): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style>
</head><body>${body}</body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

/** Validate what every authorize request needs; an error page when the redirect target is unsafe to use. */
function parseAuthorize(store: OAuthStore, vendor: Vendor, q: Record<string, string | undefined>): AuthorizeParams | Response {
  const clientId = q['client_id'] ?? '';
  const redirectUri = q['redirect_uri'] ?? '';
  if (!store.clients.has(clientId)) return page('Unknown app', `<h1>Unknown app</h1><p>No ${vendor} app has client_id <code>${esc(clientId)}</code>.</p>`, 400);
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return page('Bad redirect', '<h1>Invalid redirect_uri</h1>', 400);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return page('Bad redirect', '<h1>redirect_uri must be http(s)</h1>', 400);
  if (vendor === 'salesforce' && q['response_type'] !== 'code') return page('Unsupported', '<h1>response_type must be code</h1>', 400);
  const method = q['code_challenge_method'] ?? (q['code_challenge'] ? 'plain' : undefined);
  if (q['code_challenge'] && method !== 'S256') return page('Unsupported', '<h1>Only code_challenge_method=S256 is supported</h1>', 400);
  // Salesforce requires PKCE for this kind of app; HubSpot accepts it when sent.
  if (vendor === 'salesforce' && !q['code_challenge']) return page('PKCE required', '<h1>code_challenge is required</h1>', 400);
  return { clientId, redirectUri, scope: q['scope'] ?? '', state: q['state'] ?? '', codeChallenge: q['code_challenge'] ?? null };
}

/** `GET .../authorize`: the consent page. */
export function consentPage(c: Context, store: OAuthStore, vendor: Vendor, appName: string): Response {
  const parsed = parseAuthorize(store, vendor, c.req.query());
  if (parsed instanceof Response) return parsed;
  const hidden = Object.entries(c.req.query())
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const options = SANDBOX_TENANTS.map((t) => `<option value="${t}">${t}</option>`).join('');
  return page(
    `${appName} (sandbox) — authorize`,
    `<h1>${esc(appName)} sandbox</h1>
<p>The app <strong>${esc(parsed.clientId)}</strong> asks for access${parsed.scope ? ` to <code>${esc(parsed.scope)}</code>` : ''}.</p>
<form method="post">${hidden}
<p><label>Sandbox account <select name="sandbox_tenant">${options}</select></label></p>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** `POST .../authorize`: the button. Redirects back to the app with a code (or access_denied). */
export async function consentDecision(c: Context, store: OAuthStore, vendor: Vendor): Promise<Response> {
  const form = await c.req.parseBody();
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (typeof v === 'string') q[k] = v;
  const parsed = parseAuthorize(store, vendor, q);
  if (parsed instanceof Response) return parsed;
  const target = new URL(parsed.redirectUri);
  if (parsed.state) target.searchParams.set('state', parsed.state);
  if (q['decision'] !== 'approve') {
    target.searchParams.set('error', 'access_denied');
    return c.redirect(target.toString(), 302);
  }
  const tenant = (SANDBOX_TENANTS as readonly string[]).includes(q['sandbox_tenant'] ?? '') ? (q['sandbox_tenant'] as SandboxTenant) : 'demo';
  const code = store.newCode({
    vendor,
    clientId: parsed.clientId,
    redirectUri: parsed.redirectUri,
    codeChallenge: parsed.codeChallenge,
    tenant,
    scope: parsed.scope,
    expiresAt: 0,
  });
  target.searchParams.set('code', code);
  return c.redirect(target.toString(), 302);
}
