/**
 * `GET /demo`: the local landing page a new user opens after `npm start`. It lists a few of the
 * demo tenant's linked accounts with links to the CSM panel (each with its own short-lived embed
 * token, minted here so no API key reaches the browser) and the admin console, and renders the
 * panel of the first account inline, and "Close a demo deal as won" (demo-closed-won.ts), which
 * follows the closed-won run it starts until the sales order number appears. Served only behind
 * the demo door (demo-door.ts: development mode, CONCORD_DEMO_TENANT set, a loopback Host);
 * anything else answers 404, as if the route did not exist.
 */
import { Hono } from 'hono';
import { listAccounts } from '../../storage/identity.js';
import { mintEmbedToken } from '../../services/embed-token.js';
import { assertSameOrigin } from '../../services/oauth/session.js';
import type { AppEnv } from '../context.js';
import { closedWonDemoRoutes } from './demo-closed-won.js';
import { demoTenant, openDemoSession } from './demo-door.js';

const SHOWN = 8;

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function demoRoutes() {
  const r = new Hono<AppEnv>();
  r.route('/', closedWonDemoRoutes());

  /**
   * Local only (same guard): opens an admin session for the demo tenant, minted with its API key
   * from .dev.vars (CONCORD_DEMO_API_KEY, which must still be the tenant's key), and goes to the
   * console, so a new user can try the connect flows without pasting the key. A POST from the
   * demo page's own form: a cross-site link cannot start it.
   */
  r.post('/console', async (c) => {
    const tenantId = demoTenant(c);
    assertSameOrigin(c);
    await openDemoSession(c, tenantId);
    return c.redirect(`/widgets/console?tenant=${encodeURIComponent(tenantId)}`, 303);
  });

  r.get('/', async (c) => {
    const tenantId = demoTenant(c);
    // Accounts linked to both the ERP and the CS platform show every section of the panel.
    const page = await listAccounts(c.env.DB, tenantId, 120, null);
    const rich = page.filter((a) => a.links.some((l) => l.system === 'netsuite') && a.links.some((l) => l.system === 'vitally')).slice(0, SHOWN);
    const origin = new URL(c.req.url).origin;
    const rows = await Promise.all(
      rich.map(async (a) => {
        const { token } = await mintEmbedToken(c.env, { tenantId, accountId: a.id }, 3600);
        const href = `/widgets/panel?account=${encodeURIComponent(a.id)}&token=${encodeURIComponent(token)}`;
        const systems = a.links.map((l) => l.system).filter((s, i, all) => all.indexOf(s) === i).join(', ');
        return { account: a, token, href, systems };
      }),
    );
    const first = rows[0];
    const list = rows
      .map(
        (row) =>
          `<li><a href="${escape(row.href)}">${escape(row.account.name)}</a> <span class="muted">${escape(row.account.id)} · ${escape(row.systems)}</span></li>`,
      )
      .join('\n');
    const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Concord · Demo</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/widgets/concord.css">
  <style>
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
    header, main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
    header h1 { margin: 8px 0 4px; font-size: 1.6rem; }
    .muted { color: #52606d; font-size: .85rem; }
    .grid { display: grid; grid-template-columns: minmax(220px, 320px) 1fr; gap: 24px; align-items: start; }
    nav ul { list-style: none; padding: 0; margin: 0; }
    nav li { padding: 8px 0; border-bottom: 1px solid #e4e7eb; }
    nav a { color: #0b5cad; font-weight: 600; }
    a:focus-visible, button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
    .demo-won { margin: 12px 0 0; padding: 12px 16px; background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; }
    .demo-won h2 { margin: 0 0 4px; font-size: 1.1rem; }
    .demo-won [role="status"] { margin: 8px 0 0; min-height: 1.4em; font-weight: 600; }
    .demo-won [data-tone="good"] { color: #0e6b3b; }
    .demo-won [data-tone="warn"] { color: #8a4b00; }
    .demo-won [data-tone="bad"] { color: #b42318; }
    .demo-won ul { margin: 4px 0 0; padding-left: 20px; }
    button:disabled { opacity: .6; cursor: progress; }
    .demo-console { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #0b5cad; background: #0b5cad; color: #fff; cursor: pointer; }
    @media (max-width: 760px) { .grid { grid-template-columns: 1fr; } }
  </style>
</head>
<body>
  <header>
    <h1>Concord demo</h1>
    <p class="muted">Tenant <strong>${escape(tenantId)}</strong> on the local sandbox estate: HubSpot companies linked to NetSuite customers and Vitally accounts.
    API: <code>${escape(origin)}/v1/tenants/${escape(tenantId)}/accounts</code> with <code>CONCORD_DEMO_API_KEY</code> from .dev.vars.
    </p>
    <form method="post" action="/demo/console"><button type="submit" class="demo-console">Open the admin console</button> <span class="muted">connect systems, ownership matrix (opens an admin session for ${escape(tenantId)})</span></form>
    <section class="demo-won" aria-labelledby="demo-won-title">
      <h2 id="demo-won-title">Closed-won to order</h2>
      <p class="muted">Moves one open demo deal to its won stage in the sandbox HubSpot. HubSpot's webhook starts Concord's closed-won run (customer, sales order in NetSuite, Vitally account, write-back); this page follows the run until the order number appears.</p>
      <form id="demo-won" method="post" action="/demo/closed-won"><button type="submit" class="demo-console">Close a demo deal as won</button></form>
      <p id="demo-won-status" role="status" aria-live="polite"></p>
      <ul id="demo-won-details"></ul>
    </section>
  </header>
  <main class="grid">
    <nav aria-label="Demo accounts">
      <h2>Accounts</h2>
      <p class="muted">Each opens the CSM account-review panel with its own embed token (valid 1 hour).</p>
      <ul>
${list || '<li>No linked accounts yet: run the identity sync (npm start does).</li>'}
      </ul>
    </nav>
    <section aria-label="Account review of ${escape(first?.account.name ?? 'no account')}">
      ${first ? `<script src="/widgets/panel.js" data-concord-account="${escape(first.account.id)}" data-concord-token="${escape(first.token)}" data-concord-api="${escape(origin)}"></script>` : '<p>No account to show.</p>'}
    </section>
  </main>
  <script src="/demo/closed-won.js" defer></script>
</body>
</html>`;
    return c.html(html, 200, {
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    });
  });
  return r;
}
