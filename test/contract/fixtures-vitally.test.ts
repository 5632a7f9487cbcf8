/**
 * The sandbox's Vitally answers have the shape of the saved vendor payloads in
 * test/fixtures/vitally/ (same fields, JSON types and nesting; values differ): every operation
 * the connector sends, called with plain fetch and Basic auth as the connector calls it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createSandbox } from '../../sandbox/server.js';
import { shapeDiff, type ShapeOptions } from '../support/payload-shape.js';

const sandboxUrl = inject('sandboxUrl');
const base = `${sandboxUrl}/vitally/resources`;
let headers: Record<string, string>;

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/vitally/${name}.json`, import.meta.url), 'utf8'));
/**
 * `traits` are each customer's own key-value pairs (Vitally: "Set of key-value pairs to attach to
 * the account"): their keys are free, so they are compared as objects, not key by key.
 */
const TRAITS = ['$.traits', '$.results[].traits'];
function traitsFree(fx: unknown): ShapeOptions {
  const optional: string[] = [];
  const visit = (v: unknown, path: string) => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, `${path}[]`));
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (TRAITS.includes(path)) optional.push(`${path}.${k}`);
      else visit(child, `${path}.${k}`);
    }
  };
  visit(fx, '$');
  return { extraAllowed: TRAITS, optional };
}
const sameShape = (name: string, answer: unknown) => {
  const fx = fixture(name);
  expect(shapeDiff(fx, answer, traitsFree(fx)), name).toEqual([]);
};
async function call(path: string, init: RequestInit = {}, status = 200): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  expect(res.status, path).toBe(status);
  return res.json();
}
type Page = { results: Record<string, unknown>[]; next: string | null };

beforeAll(async () => {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'vitally', tenant: 'demo' }) });
  const key = ((await res.json()) as { accessToken: string }).accessToken;
  headers = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' };
});

/** The first demo account whose `path` list is not empty (picked by content, not position). */
async function accountWith(path: string, test: (p: Page) => boolean = (p) => p.results.length > 0): Promise<string> {
  let from: string | null = null;
  do {
    const page = (await call(`/accounts?limit=100${from ? `&from=${encodeURIComponent(from)}` : ''}`)) as Page;
    for (const a of page.results) if (test((await call(`/accounts/${String(a.id)}/${path}`)) as Page)) return String(a.id);
    from = page.next;
  } while (from);
  throw new Error(`no account with ${path}`);
}

describe("Vitally answers have the saved payloads' shape", () => {
  it('accounts list, one account and a trait update', async () => {
    const page = (await call('/accounts?limit=2')) as Page;
    sameShape('accounts.list', page);
    const id = String(page.results[0]!.id);
    sameShape('account.get', await call(`/accounts/${id}`));
    sameShape('account.update', await call(`/accounts/${id}`, { method: 'PATCH', body: JSON.stringify({ traits: { 'concord.openAr': 12240 } }) }));
  });

  it('health scores, projects, tasks and conversations of an account', async () => {
    const withProject = await accountWith('projects');
    sameShape('healthScores.list', await call(`/accounts/${withProject}/healthScores`));
    sameShape('projects.list', await call(`/accounts/${withProject}/projects`));
    sameShape('tasks.list', await call(`/accounts/${withProject}/tasks`));
    sameShape('conversations.list', await call(`/accounts/${await accountWith('conversations')}/conversations`));
  });

  it('a note created with POST /resources/notes and listed back', async () => {
    const id = String(((await call('/accounts?limit=1')) as Page).results[0]!.id);
    const body = { accountId: id, externalId: `fixture-note-${Date.now()}`, subject: 'Receivables update from NetSuite', note: '<p>2 open invoices.</p>', noteDate: '2026-11-26T09:31:00.000Z', tags: ['concord'] };
    sameShape('notes.create', await call('/notes', { method: 'POST', body: JSON.stringify(body) }));
    sameShape('notes.list', await call(`/accounts/${id}/notes`));
  });

  it('errors: unknown account, bad request, bad key, over the limit', async () => {
    sameShape('error.not-found', await call('/accounts/00000000-0000-0000-0000-000000000000', {}, 404));
    sameShape('error.bad-request', await call('/accounts?limit=500', {}, 400));
    sameShape('error.unauthorized', await call('/accounts', { headers: { authorization: 'Basic Zm9yZ2VkOg==' } }, 401));
    // Over the limit on a private sandbox: the fault knobs are global to a sandbox.
    const own = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
    try {
      await fetch(`${own.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ vitally: { rateLimitRate: 1 } }) });
      const key = ((await (await fetch(`${own.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'vitally', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
      const limited = await fetch(`${own.url}/vitally/resources/accounts`, { headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('ratelimit-limit')).toBe('1000, 1000;window=60');
      sameShape('error.rate-limited', await limited.json());
    } finally {
      await own.close();
    }
  });
});
