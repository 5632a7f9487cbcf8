/**
 * Starts the whole local estate: the sandbox (vendor emulators, in this process: on its event loop,
 * or in a worker thread with `sandboxThread`) and the broker
 * (`wrangler dev` on workerd, a child process), then provisions the sandbox tenants, connects
 * their systems with sandbox-issued tokens and links identities. Used by `npm start`, the e2e
 * tests' global setup and the benchmarks, so all three run exactly what a user runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SANDBOX_HUBSPOT_APP_ID } from '../sandbox/oauth/hubspot.js';
import { scaleFromEnv } from '../sandbox/seed/generate.js';
import { createSandbox, type SandboxOptions } from '../sandbox/server.js';
import { startSandboxThread, type LoopDelay } from './sandbox-thread.js';
import { buildWidgets } from './build-widgets.js';
import { ensureDevVars } from './dev-vars.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** A webhook subscription in the sandbox's terms (`company.propertyChange` + propertyName). */
interface SandboxSubscription {
  subscriptionType: string;
  propertyName?: string;
}

/**
 * The CRM object subscriptions the HubSpot app declares (extensions/hubspot webhooks-hsmeta.json),
 * in the sandbox's terms (`object.deletion` of a company is `company.deletion`, ...).
 */
export async function appWebhookSubscriptions(): Promise<SandboxSubscription[]> {
  const file = `${ROOT}/extensions/hubspot/src/app/webhooks/webhooks-hsmeta.json`;
  const meta = JSON.parse(await readFile(file, 'utf8')) as {
    config: { subscriptions: { crmObjects: { subscriptionType: string; objectType: string; propertyName?: string; active?: boolean }[] } };
  };
  const kinds: Record<string, string> = { 'object.creation': 'creation', 'object.propertyChange': 'propertyChange', 'object.deletion': 'deletion', 'object.restore': 'restore', 'object.merge': 'merge' };
  return meta.config.subscriptions.crmObjects
    .filter((s) => s.active !== false && kinds[s.subscriptionType] && ['company', 'contact', 'deal'].includes(s.objectType))
    .map((s) => ({ subscriptionType: `${s.objectType}.${kinds[s.subscriptionType]}`, ...(s.propertyName ? { propertyName: s.propertyName } : {}) }));
}

export interface EstateOptions {
  brokerPort: number;
  sandboxPort: number;
  /** Where wrangler keeps D1/KV state (`.wrangler/state` for `npm start`). */
  persistDir: string;
  /** Print progress lines. */
  log?: (line: string) => void;
  /** Forward wrangler's own output (npm start does; tests keep it in a buffer). */
  inheritWranglerOutput?: boolean;
  /** Extra broker vars, overriding .dev.vars (handed over in the broker's env file, never as `--var`). */
  vars?: Record<string, string>;
  /** Sandbox options beyond the anchor date (the freshness benchmark grows the estate; default `SANDBOX_SCALE`). */
  sandbox?: Pick<SandboxOptions, 'scale'>;
  /**
   * How often the estate fires the broker's Cron Trigger (`/__scheduled`, served by
   * `wrangler dev --test-scheduled`), as Cloudflare does every minute; 0 turns it off.
   */
  cronIntervalMs?: number;
  /** Run the broker in its own process group so `crashAndRestartBroker` can kill it whole (tests). */
  crashable?: boolean;
  /**
   * Link identities at start (`POST /identity/sync`, default true). One synchronous request: at
   * `SANDBOX_SCALE=100` it outlasts the client's 300 s header timeout, so the sync-runs bench's
   * largest estates leave linking to the backfill's own paged steps.
   */
  identitySync?: boolean;
  /**
   * Run the sandbox in a worker thread (scripts/sandbox-thread.ts) instead of on this process's
   * event loop: the benchmarks do, so the vendors' work does not delay the client timing them.
   */
  sandboxThread?: boolean;
}

export interface TenantInfo {
  id: string;
  apiKey: string;
  sync: unknown;
}

export interface Estate {
  brokerUrl: string;
  sandboxUrl: string;
  tenants: Record<'demo' | 'other', TenantInfo>;
  /** wrangler's output so far (when not inherited), for diagnosing a failed start. */
  brokerOutput(): string;
  /** Where the sandbox runs: on this process's event loop, or in a worker thread of its own (`sandboxThread`). */
  sandboxRuns: 'in this event loop' | 'in a worker thread';
  /** How late the sandbox thread's event loop ran since the last reset (estates with `sandboxThread` only). */
  sandboxLoop?: { delay(): Promise<LoopDelay>; reset(): Promise<void> };
  /**
   * When the estate's Cron Trigger ran (`/__scheduled`, `performance.now()` ms; `end` null while
   * running): its change polls run in wrangler dev's one workerd process beside the requests a
   * bench times, so benches say which samples overlapped one.
   */
  cronRuns(): { start: number; end: number | null }[];
  /** Kill the broker as a crash would and start it again on the same state (estates started `crashable` only). */
  crashAndRestartBroker(): Promise<void>;
  stop(): Promise<void>;
}

const SYSTEM_PATHS = { hubspot: '/hubspot', netsuite: '/netsuite', vitally: '/vitally', salesforce: '/salesforce' } as const;

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`))));
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output().slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`broker did not answer ${url} within ${timeoutMs} ms:\n${output().slice(-3000)}`);
}

/**
 * wrangler dev's proxy answers 503 "Your worker restarted mid-request" (never sent to the worker)
 * when its connection to workerd fails; it retries only GET and HEAD itself. Seen after the
 * minutes-long identity sync of a scaled estate (SANDBOX_SCALE=10): the setup call that follows
 * is sent again, a few times, before the start is given up.
 */
const PROXY_RESTART = /restarted mid-request/;

async function call(method: string, url: string, token: string, body?: unknown): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 503 && PROXY_RESTART.test(text) && attempt < 5) {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      continue;
    }
    if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  }
}

/**
 * Settings for the broker in this estate (docs/oauth.md): the explicit development mode, vendor
 * URLs pointing at this sandbox (whatever its port), and client ids and secrets falling back to
 * local values when an older .dev.vars lacks them. Written with .dev.vars into the broker's
 * private env file (`wranglerDevLaunch`), where they win over .dev.vars' own values.
 */
function oauthVarsFor(sandboxUrl: string, devVars: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const local = (name: string, fallback: string) => (devVars[name] && devVars[name] !== 'generate' ? devVars[name]! : fallback);
  const random = () => randomBytes(24).toString('base64url');
  return {
    // Local only: loopback base URLs, sandbox tokens through PUT .../connections, the /demo door.
    CONCORD_DEV_MODE: '1',
    HUBSPOT_APP_ID: local('HUBSPOT_APP_ID', String(SANDBOX_HUBSPOT_APP_ID)),
    HUBSPOT_AUTH_URL: `${sandboxUrl}/hubspot`,
    HUBSPOT_API_URL: `${sandboxUrl}/hubspot`,
    SALESFORCE_LOGIN_URL: `${sandboxUrl}/salesforce`,
    SALESFORCE_TEST_LOGIN_URL: `${sandboxUrl}/salesforce`,
    SALESFORCE_MY_DOMAIN_URL: `${sandboxUrl}/salesforce`,
    NETSUITE_API_URL: `${sandboxUrl}/netsuite`,
    VITALLY_API_URL: `${sandboxUrl}/vitally`,
    HUBSPOT_CLIENT_ID: local('HUBSPOT_CLIENT_ID', 'concord-local'),
    HUBSPOT_CLIENT_SECRET: local('HUBSPOT_CLIENT_SECRET', random()),
    SALESFORCE_CLIENT_ID: local('SALESFORCE_CLIENT_ID', 'concord-local-salesforce'),
    SALESFORCE_CLIENT_SECRET: local('SALESFORCE_CLIENT_SECRET', random()),
    ...extra,
  };
}

/** Register the broker's HubSpot and Salesforce apps with the sandbox's OAuth servers (as a developer would with the vendors). */
async function registerOAuthClients(sandboxUrl: string, v: Record<string, string>): Promise<void> {
  for (const [id, secret] of [['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET'], ['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET']] as const) {
    await call('POST', `${sandboxUrl}/__sandbox/oauth/clients`, 'unused', { clientId: v[id], clientSecret: v[secret] });
  }
}

/** How the estate starts `wrangler dev`: its arguments, and `cleanup` for the env file they name. */
export interface WranglerDevLaunch {
  args: string[];
  /** Variables for the `wrangler dev` process itself (not the Worker's). */
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * Turns off wrangler dev's DevTools inspector proxy (CONCORD_DEVTOOLS=1 keeps it, to attach
 * Chrome DevTools). wrangler dev (4.86) always starts an inspector proxy Worker in a second
 * workerd process: it attaches to the broker's V8 inspector with `Network.enable` and, for every
 * message the broker's isolate sends it (one per console line and several per subrequest:
 * NetSuite, HubSpot and Vitally calls, Durable Object and Workflow calls), posts a debug-log
 * request to wrangler's Node process and buffers the message until a DevTools window connects,
 * which under the bench never happens. Under a closed-won burst that is thousands of local
 * connections a second, held open while wrangler's Node process falls behind (docs/performance.md,
 * "Closed-won burst (issue 10)": the proxy process reached this machine's 20,000 descriptors and
 * the broker, served through that same process, stopped answering). wrangler has no flag for it;
 * it skips the inspector proxy when VSCODE_INSPECTOR_OPTIONS is set (its own check for a VS Code
 * JavaScript Debug Terminal, where VS Code attaches instead), which is what this sets.
 */
export function inspectorProxyOff(devtools: string | undefined = process.env.CONCORD_DEVTOOLS): Record<string, string> {
  return devtools === '1' ? {} : { VSCODE_INSPECTOR_OPTIONS: '{}' };
}

/** dotenv line: single quotes keep the value literal (no expansion); a value with a quote or newline is refused. */
function envLine(name: string, value: string): string {
  if (/['\r\n]/.test(value)) throw new Error(`${name} has a quote or newline, which the broker's env file cannot hold`);
  return `${name}='${value}'`;
}

/**
 * The `wrangler dev` command line for the broker. Every variable (the secrets from .dev.vars and
 * the estate's overrides) goes into a private env file (mode 0600 in a fresh 0700 directory,
 * removed by `cleanup`) passed with `--env-file`: `--var NAME:value` would show the local client
 * secrets to every user of the machine in the process list. With `--env-file` wrangler reads that
 * file instead of .dev.vars, so it holds both.
 */
export function wranglerDevLaunch(opts: { brokerPort: number; persistDir: string; vars: Record<string, string> }): WranglerDevLaunch {
  const dir = mkdtempSync(join(tmpdir(), 'concord-broker-env-'));
  const file = join(dir, 'broker.env');
  writeFileSync(file, `${Object.entries(opts.vars).map(([k, v]) => envLine(k, v)).join('\n')}\n`, { mode: 0o600 });
  return {
    // --test-scheduled: wrangler dev serves /__scheduled (the Cron Trigger), which the estate calls.
    args: ['dev', '--ip', '127.0.0.1', '--port', String(opts.brokerPort), '--persist-to', opts.persistDir, '--show-interactive-dev-session=false', '--log-level', process.env.CONCORD_WRANGLER_LOG_LEVEL ?? 'warn', '--test-scheduled', '--env-file', file],
    env: inspectorProxyOff(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Concord's NetSuite event script and a Vitally playbook webhook, installed in the sandbox for a
 * tenant as their admins would: a signing secret issued by the broker (only for the NetSuite
 * account the connection proved), stored in the sandbox's emulated script and playbook.
 */
export async function installChangePushes(sandboxUrl: string, brokerUrl: string, tenant: string, apiKey: string): Promise<void> {
  const netsuite = (await call('POST', `${brokerUrl}/v1/tenants/${tenant}/inbound-secrets/netsuite`, apiKey)) as { secret: string; url: string };
  await call('PUT', `${sandboxUrl}/__sandbox/netsuite/events`, 'unused', { tenant, url: netsuite.url, secret: netsuite.secret });
  const vitally = (await call('POST', `${brokerUrl}/v1/tenants/${tenant}/inbound-secrets/vitally`, apiKey)) as { secret: string; url: string };
  await call('PUT', `${sandboxUrl}/__sandbox/vitally/webhooks`, 'unused', { tenant, url: vitally.url, secret: vitally.secret });
}

export async function startEstate(opts: EstateOptions): Promise<Estate> {
  const log = opts.log ?? (() => {});
  const { vars } = ensureDevVars(ROOT);
  for (const name of ['CONCORD_OPERATOR_KEY', 'CONCORD_DEMO_API_KEY', 'CONCORD_OTHER_API_KEY', 'CONCORD_VAULT_KEYS']) {
    if (!vars[name] || vars[name] === 'generate') throw new Error(`.dev.vars has no value for ${name}; delete .dev.vars to regenerate it`);
  }
  for (const port of [opts.brokerPort, opts.sandboxPort]) {
    if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use (another Concord still running?). Set CONCORD_PORT / SANDBOX_PORT to use others.`);
  }

  const sandboxOpts: SandboxOptions = { ...(process.env.SANDBOX_ANCHOR_DATE ? { anchorDate: process.env.SANDBOX_ANCHOR_DATE } : {}), scale: opts.sandbox?.scale ?? scaleFromEnv(process.env.SANDBOX_SCALE) };
  const thread = opts.sandboxThread ? await startSandboxThread(opts.sandboxPort, sandboxOpts) : null;
  const inline = thread ? null : createSandbox(sandboxOpts);
  const sandboxListener = thread ? { url: thread.url, close: () => thread.close() } : await inline!.listen(opts.sandboxPort);
  log(`sandbox   ${sandboxListener.url} (estate "today" = ${thread ? thread.anchorDate : inline!.state.anchorDate}; ${thread ? 'in a worker thread' : 'in this event loop'})`);
  const brokerVars = oauthVarsFor(sandboxListener.url, vars, opts.vars ?? {});
  await registerOAuthClients(sandboxListener.url, brokerVars);

  // The broker serves the widgets as static assets: build them before wrangler starts.
  const built = await buildWidgets({ log: false });
  log(`widgets   ${built.length} files built into widgets/dist`);

  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' };
  const wrangler = `${ROOT}/node_modules/.bin/wrangler`;
  await run(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', opts.persistDir], { ...env, CI: 'true' });
  log('database  migrations applied');

  let output = '';
  const launch = wranglerDevLaunch({ brokerPort: opts.brokerPort, persistDir: opts.persistDir, vars: { ...vars, ...brokerVars } });
  const spawnBroker = (): ChildProcess => {
    // A crashable broker leads its own process group (wrangler and its workerd), so a crash can
    // take down both at once, as a machine failure would.
    const c = spawn(wrangler, launch.args, { cwd: ROOT, env: { ...env, ...launch.env }, stdio: ['ignore', opts.inheritWranglerOutput ? 'inherit' : 'pipe', opts.inheritWranglerOutput ? 'inherit' : 'pipe'], detached: opts.crashable === true });
    // CONCORD_BROKER_LOG=<file>: the broker's output is also appended there (benches, diagnosis).
    const logFile = process.env.CONCORD_BROKER_LOG;
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-200_000);
      if (logFile) appendFileSync(logFile, d);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    return c;
  };
  let child = spawnBroker();
  const brokerUrl = `http://127.0.0.1:${opts.brokerPort}`;
  /**
   * Crash the broker (SIGKILL to wrangler and workerd together: no shutdown, nothing flushed
   * beyond what workerd already persisted) and start it again on the same persisted state.
   */
  const crashAndRestartBroker = async () => {
    if (!opts.crashable || child.pid === undefined) throw new Error('the estate was not started crashable');
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    process.kill(-child.pid, 'SIGKILL');
    await exited;
    // workerd may outlive wrangler by a moment: the port is free once the whole group is gone.
    for (const until = Date.now() + 10_000; !(await portIsFree(opts.brokerPort)); ) {
      if (Date.now() > until) throw new Error(`port ${opts.brokerPort} still in use after the crash`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child = spawnBroker();
    await waitFor(`${brokerUrl}/health`, child, 60_000, () => output);
  };
  let cron: ReturnType<typeof setInterval> | undefined;
  const cronRuns: { start: number; end: number | null }[] = [];
  const stop = async () => {
    if (cron) clearInterval(cron);
    // A crashable broker's group holds workerd too: signal the whole group.
    const kill = (signal: NodeJS.Signals) => (opts.crashable && child.pid !== undefined ? process.kill(-child.pid, signal) : child.kill(signal));
    if (child.exitCode === null) {
      kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          try {
            kill('SIGKILL');
          } catch {
            // already gone
          }
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    launch.cleanup();
    await sandboxListener.close();
  };

  try {
    await waitFor(`${brokerUrl}/health`, child, 60_000, () => output);
    log(`broker    ${brokerUrl}`);

    const tenants = {} as Estate['tenants'];
    for (const [tenant, keyVar, name] of [
      ['demo', 'CONCORD_DEMO_API_KEY', 'Demo Co (sandbox)'],
      ['other', 'CONCORD_OTHER_API_KEY', 'Other Co (sandbox)'],
    ] as const) {
      const apiKey = vars[keyVar]!;
      await call('PUT', `${brokerUrl}/v1/operator/tenants/${tenant}`, vars.CONCORD_OPERATOR_KEY!, { name, apiKey });
      for (const [system, path] of Object.entries(SYSTEM_PATHS)) {
        if (system === 'netsuite') {
          // As a NetSuite admin would: OAuth 2.0 M2M with the account's integration certificate, so
          // the connection records the account id NetSuite accepted (its events are matched on it).
          const m2m = (await call('GET', `${sandboxListener.url}/__sandbox/netsuite/demo-credentials?tenant=${tenant}`, 'unused')) as Record<string, string>;
          await call('POST', `${brokerUrl}/v1/tenants/${tenant}/connections/netsuite`, apiKey, m2m);
          continue;
        }
        const { accessToken } = (await call('POST', `${sandboxListener.url}/__sandbox/tokens`, 'unused', { vendor: system, tenant, lifetime: 'static' })) as { accessToken: string };
        const credentials = system === 'vitally' ? { type: 'api_key', apiKey: accessToken } : { type: 'bearer', accessToken };
        // Development mode only; the portal / org comes from the sandbox's token metadata.
        await call('PUT', `${brokerUrl}/v1/tenants/${tenant}/connections/${system}`, apiKey, { baseUrl: `${sandboxListener.url}${path}`, credentials });
      }
      const started = Date.now();
      const sync = opts.identitySync === false ? null : await call('POST', `${brokerUrl}/v1/tenants/${tenant}/identity/sync`, apiKey);
      log(`tenant    ${tenant}: connected hubspot, netsuite, vitally, salesforce; ${sync === null ? 'identities not linked (left to the first sync run)' : `identity linked in ${Date.now() - started} ms`}`);
      tenants[tenant] = { id: tenant, apiKey, sync };
      await installChangePushes(sandboxListener.url, brokerUrl, tenant, apiKey);
      log(`changes   sandbox NetSuite event script and Vitally playbook webhooks (${tenant}) -> ${brokerUrl}/v1/webhooks/netsuite, /v1/webhooks/vitally/${tenant}`);
    }
    // The sandbox's HubSpot sends the demo portal's CRM changes to the broker, signed with the
    // app's client secret, as HubSpot does for an installed app (sandbox/hubspot/webhooks.ts),
    // for the subscriptions the app itself declares (not every property: Concord's own writes
    // to its concord_* properties would otherwise come straight back as webhooks).
    const subscriptions = await appWebhookSubscriptions();
    await call('PUT', `${sandboxListener.url}/__sandbox/webhooks`, 'unused', {
      vendor: 'hubspot',
      tenant: 'demo',
      targetUrl: `${brokerUrl}/v1/webhooks/hubspot`,
      clientSecret: brokerVars.HUBSPOT_CLIENT_SECRET,
      subscriptions,
    });
    const described = subscriptions.map((s) => `${s.subscriptionType.replace('.propertyChange', '')}${s.propertyName ? `.${s.propertyName}` : ''}`).join(', ');
    log(`webhooks  sandbox HubSpot (demo) -> ${brokerUrl}/v1/webhooks/hubspot: ${described}`);
    const every = opts.cronIntervalMs ?? 60_000;
    if (every > 0) {
      // Cloudflare fires the Cron Trigger every minute; wrangler dev only when asked (/__scheduled).
      cron = setInterval(() => {
        const run: { start: number; end: number | null } = { start: performance.now(), end: null };
        cronRuns.push(run);
        if (cronRuns.length > 1000) cronRuns.shift();
        void fetch(`${brokerUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`)
          .then((r) => r.arrayBuffer())
          .catch(() => undefined)
          .finally(() => (run.end = performance.now()));
      }, every);
      cron.unref();
      log(`cron      /__scheduled every ${every / 1000} s (the ERP and CS change polls)`);
    }
    return {
      brokerUrl,
      sandboxUrl: sandboxListener.url,
      tenants,
      sandboxRuns: thread ? 'in a worker thread' : 'in this event loop',
      ...(thread ? { sandboxLoop: { delay: () => thread.loopDelay(), reset: () => thread.loopReset() } } : {}),
      brokerOutput: () => output,
      cronRuns: () => cronRuns.map((r) => ({ ...r })),
      crashAndRestartBroker,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
