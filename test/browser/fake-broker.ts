/**
 * A tiny stand-in for the broker for the widget browser tests: serves the built widgets under
 * `/widgets/` and fixture JSON for the embed and tenant admin endpoints, on 127.0.0.1 port 0.
 * Every API request is recorded so tests can assert what the widgets sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { accountView, audit, connections, deadLetters, decidedReviews, ownership, partialView, reviewCases } from './fixtures.js';

/** A request the fake broker received. */
export interface Recorded { method: string; path: string; authorization?: string; cookie?: string; body: string }

/** Knobs and observations of the running fake broker. */
export interface FakeBroker {
  origin: string;
  requests: Recorded[];
  /** `ok`, `error` (503 on the view), or `missing` (every admin route 404s). */
  mode: 'ok' | 'error' | 'missing';
  close(): Promise<void>;
}

/** The embed token the fake broker accepts. */
export const TOKEN = 'embed-token-123';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

/** Start the fake broker serving `distDir` (the folder that contains `widgets/`). */
export async function startFakeBroker(distDir: string): Promise<FakeBroker> {
  const broker: FakeBroker = { origin: '', requests: [], mode: 'ok', close: async () => {} };
  const server: Server = createServer((req, res) => {
    void handle(req).then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    });
  });

  const json = (status: number, body: unknown) => ({ status, type: status >= 400 ? 'application/problem+json' : 'application/json', body: JSON.stringify(body) });
  const problem = (status: number, code: string, detail: string) => json(status, { type: 'about:blank', status, code, title: detail, detail });

  async function handle(req: IncomingMessage): Promise<{ status: number; type: string; body: string | Buffer }> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path.startsWith('/widgets/')) {
      const file = normalize(join(distDir, path));
      if (!file.startsWith(distDir)) return { status: 403, type: 'text/plain', body: 'no' };
      try {
        return { status: 200, type: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
      } catch {
        return { status: 404, type: 'text/plain', body: 'not found' };
      }
    }
    // Browsers ask for a favicon on every page; that 404 is not the widgets' doing.
    if (path === '/favicon.ico') return { status: 204, type: 'image/x-icon', body: '' };
    if (path === '/host.html') {
      // A CRM-like host page using the one-script-tag embed.
      const account = url.searchParams.get('account') ?? 'acc_ok';
      return { status: 200, type: 'text/html', body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host CRM page</title></head><body style="margin:0;font-family:serif"><p style="margin:8px">Host page content</p><script src="/widgets/panel.js" data-concord-account="${account}" data-concord-token="${TOKEN}" data-concord-api="${broker.origin}"></script></body></html>` };
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: Recorded = { method: req.method ?? 'GET', path, body: Buffer.concat(chunks).toString('utf8') };
    if (req.headers.authorization) rec.authorization = req.headers.authorization;
    if (req.headers.cookie) rec.cookie = req.headers.cookie;
    broker.requests.push(rec);

    const embed = /^\/v1\/embed\/accounts\/([^/]+)\/(view|audit)$/.exec(path);
    if (embed) {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return problem(401, 'invalid_embed_token', 'Embed token is missing or expired.');
      const [, account, what] = embed;
      if (account === 'acc_unlinked') return problem(404, 'account_not_linked', 'Account is not linked.');
      if (what === 'audit') return json(200, audit);
      if (broker.mode === 'error') return problem(503, 'upstream_unavailable', 'Service unavailable.');
      return json(200, account === 'acc_partial' ? partialView : accountView);
    }
    const connectStart = /^\/v1\/tenants\/demo\/connect\/(\w+)\/start$/.exec(path);
    if (connectStart) return { status: 200, type: 'text/html', body: `<!doctype html><title>OAuth start ${connectStart[1]}</title><p>Redirecting to ${connectStart[1]}…</p>` };
    if (path.startsWith('/v1/tenants/demo/') && broker.mode === 'missing') return { status: 404, type: 'text/plain', body: '404 Not Found' };
    const route = `${req.method} ${path}`;
    if (route === 'GET /v1/tenants/demo/identity/reviews') return json(200, url.searchParams.get('status') === 'decided' ? decidedReviews : reviewCases);
    const decided = /^\/v1\/tenants\/demo\/identity\/reviews\/(rv_\w+)\/decision$/.exec(path);
    if (req.method === 'POST' && decided) {
      const item = reviewCases.items.find((c) => c.id === decided[1]);
      if (!item) return problem(404, 'review_not_found', 'review_case not found');
      const body = JSON.parse(rec.body) as { decision: 'approve' | 'reject' | 'link'; accountId?: string };
      if (body.decision === 'link' && body.accountId === 'acc_ffffffffffffffffffffffffffffffff') return problem(404, 'account_not_found', 'No account with id acc_ffffffffffffffffffffffffffffffff');
      const status = { approve: 'approved', reject: 'rejected', link: 'linked' }[body.decision];
      return json(200, { case: { ...item, status, decision: { decision: body.decision, accountId: body.accountId ?? item.subject.accountId, changes: [] } }, result: {}, replayed: false });
    }
    switch (route) {
      case 'GET /v1/tenants/demo/connections': return json(200, connections);
      case 'POST /v1/tenants/demo/connections/netsuite': return json(201, { system: 'netsuite', status: 'connected' });
      case 'POST /v1/tenants/demo/connections/vitally': return json(201, { system: 'vitally', status: 'connected' });
      case 'DELETE /v1/tenants/demo/connections/hubspot': return { status: 204, type: 'text/plain', body: '' };
      case 'GET /v1/tenants/demo/ownership': return json(200, ownership);
      case 'PUT /v1/tenants/demo/ownership': return json(200, JSON.parse(rec.body) as unknown);
      case 'GET /v1/tenants/demo/dead-letters': return json(200, deadLetters);
      case 'POST /v1/tenants/demo/dead-letters/dl_1/replay': return json(202, { id: 'dl_1', status: 'queued' });
      case 'POST /v1/tenants/demo/identity/split': return json(200, { status: 'split', ...(JSON.parse(rec.body) as object), newAccountId: null, keptApartFrom: 1 });
      default: return problem(404, 'not_found', `No route ${route}`);
    }
  }

  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake broker did not bind');
  broker.origin = `http://127.0.0.1:${addr.port}`;
  broker.close = () => new Promise<void>((ok) => server.close(() => ok()));
  return broker;
}
