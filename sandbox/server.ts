/**
 * The sandbox estate as one Node HTTP server: vendor emulators under `/hubspot`, `/salesforce`,
 * `/netsuite`, `/vitally`, and the sandbox's own admin under `/__sandbox`. `createSandbox()` is
 * used by the CLI (`sandbox/main.ts`), the contract tests' global setup and `npm start`.
 */
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { adminApp } from './admin/index.js';
import type { IncomingMessage } from 'node:http';
import { limitsAdminApp, markArrival } from './core/limits.js';
import { applyFaults } from './core/faults.js';
import { problem } from './core/http.js';
import { createSandboxState, type SandboxState } from './core/state.js';
import { hubspotApp } from './hubspot/index.js';
import { netsuiteApp } from './netsuite/index.js';
import type { NetSuiteDatePreferences } from './netsuite/suiteql/dates.js';
import { oauthApp } from './oauth/index.js';
import { salesforceApp } from './salesforce/index.js';
import { MAX_SCALE, isAnchorDate, isScale, todayUtc } from './seed/generate.js';
import { vitallyApp } from './vitally/index.js';

/** Options for {@link createSandbox}. */
export interface SandboxOptions {
  /** "Today" for the estate (YYYY-MM-DD); default: today's UTC date. */
  anchorDate?: string;
  /** NetSuite date/time format preferences of both sandbox accounts (default `M/D/YYYY`, `h:mm a`). */
  netsuite?: Partial<NetSuiteDatePreferences>;
  /** Size factor of the seed, 1..100 (default 1; `SANDBOX_SCALE` for the CLI and `npm start`). */
  scale?: number;
}

/** A running sandbox listener. */
export interface SandboxListener {
  url: string;
  close(): Promise<void>;
}

/** The sandbox app and its state, ready to serve. */
export interface Sandbox {
  app: Hono;
  state: SandboxState;
  /** Listen on `port` (0 = ephemeral) and `host` (default 127.0.0.1). */
  listen(port: number, host?: string): Promise<SandboxListener>;
}

/** Build the sandbox: seed both tenants and wire every emulator. */
export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  const anchorDate = opts.anchorDate ?? todayUtc();
  if (!isAnchorDate(anchorDate)) throw new Error(`anchorDate must be YYYY-MM-DD, got ${JSON.stringify(anchorDate)}`);
  const scale = opts.scale ?? 1;
  if (!isScale(scale)) throw new Error(`scale must be a whole number from 1 to ${MAX_SCALE}, got ${JSON.stringify(scale)}`);
  const state = createSandboxState(anchorDate, scale, opts.netsuite);
  const app = new Hono();

  for (const vendor of ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const) app.use(`/${vendor}/*`, applyFaults(state, vendor));
  // OAuth servers first: their token endpoints live under the vendors' bearer-protected prefixes.
  app.route('/', oauthApp(state));
  app.route('/__sandbox', limitsAdminApp(state));
  app.route('/__sandbox', adminApp(state));
  app.route('/hubspot', hubspotApp(state));
  app.route('/salesforce', salesforceApp(state));
  app.route('/netsuite', netsuiteApp(state));
  app.route('/vitally', vitallyApp(state));
  app.get('/', (c) => c.json({ sandbox: 'concord', anchorDate: state.anchorDate, scale: state.scale, prefixes: ['/hubspot', '/salesforce', '/netsuite', '/vitally', '/__sandbox'] }));
  app.notFound((c) => problem(c, 404, 'not_found', 'No such sandbox route', `${c.req.method} ${c.req.path}`));
  // Last resort: an emulator bug must surface as a clear 500, never a dropped connection.
  app.onError((err, c) => {
    console.error('[sandbox] unhandled error', c.req.method, c.req.path, err);
    return problem(c, 500, 'sandbox_error', 'Sandbox internal error', err.message);
  });

  return { app, state, listen: (port, host = '127.0.0.1') => listen(app, port, host) };
}

function listen(app: Hono, port: number, host: string): Promise<SandboxListener> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            const s = server as ServerType & { closeAllConnections?: () => void };
            s.close((err) => (err ? fail(err) : done()));
            // Keep-alive sockets would hold close() open until they time out.
            s.closeAllConnections?.();
          }),
      });
    });
    // Node closes idle keep-alive sockets after 5 s; a client that pauses longer (a broker busy
    // with D1 between two vendor calls) would then reuse a dead socket. Vendors keep them ~60 s.
    // When each request reached this server (read by the NetSuite limit's counters, `servedMs`).
    server.prependListener('request', (req: IncomingMessage) => markArrival(req));
    const http = server as ServerType & { keepAliveTimeout?: number; headersTimeout?: number };
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
    server.once('error', reject);
  });
}
