/**
 * The Vitally emulator over HTTP with plain fetch: cursor paging to the end, lookup by Vitally id
 * or externalId, health history, projects and tasks, notes and trait updates, auth and rate-limit headers.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';

const base = `${inject('sandboxUrl')}/vitally/resources`;
let apiKey: string;
let basic: Record<string, string>;

async function token(vendor: string, tenant: string): Promise<string> {
  const res = await fetch(`${inject('sandboxUrl')}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor, tenant }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}
const basicAuth = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' });

interface Account {
  id: string;
  externalId: string | null;
  name: string;
  traits: Record<string, unknown>;
  healthScore: number | null;
}
interface Page<T> {
  results: T[];
  next: string | null;
}
async function get<T>(path: string, headers = basic): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  apiKey = await token('vitally', 'demo');
  basic = basicAuth(apiKey);
});

describe('accounts', () => {
  it('pages every account with the cursor until next is null, without repeats', async () => {
    const ids: string[] = [];
    let from: string | null = null;
    let pages = 0;
    do {
      const page: Page<Account> = await get(`/accounts?limit=100${from ? `&from=${encodeURIComponent(from)}` : ''}`);
      ids.push(...page.results.map((a) => a.id));
      from = page.next;
      pages++;
      expect(pages).toBeLessThan(20);
    } while (from);
    expect(pages).toBe(5);
    expect(ids.length).toBeGreaterThanOrEqual(430);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('defaults to 20 per page and rejects a limit above 100', async () => {
    expect((await get<Page<Account>>('/accounts')).results).toHaveLength(20);
    const res = await fetch(`${base}/accounts?limit=500`, { headers: basic });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.any(String), message: expect.stringMatching(/limit/) });
    const badCursor = await fetch(`${base}/accounts?from=not-a-cursor`, { headers: basic });
    expect(badCursor.status).toBe(400);
  });

  it('finds the same account by Vitally id and by externalId', async () => {
    const page = await get<Page<Account>>('/accounts?limit=100');
    const keyed = page.results.find((a) => a.externalId)!;
    const byId = await get<Account>(`/accounts/${keyed.id}`);
    const byExternal = await get<Account>(`/accounts/${keyed.externalId}`);
    expect(byExternal).toEqual(byId);
    expect(byId.name).toBe(keyed.name);
  });

  it('answers an unknown account with 404 {error}', async () => {
    const res = await fetch(`${base}/accounts/does-not-exist`, { headers: basic });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'Not found' });
  });
});

describe('account details', () => {
  let account: Account;
  beforeAll(async () => {
    const page = await get<Page<Account>>('/accounts?limit=100');
    account = page.results.find((a) => a.healthScore !== null)!;
  });

  it('serves 12 weekly health scores, newest last, matching the account score', async () => {
    const first = await get<Page<{ date: string; score: number; categories: Record<string, number> }>>(`/accounts/${account.id}/healthScores?limit=5`);
    expect(first.results).toHaveLength(5);
    expect(first.next).not.toBeNull();
    const all = [...first.results];
    let from = first.next;
    while (from) {
      const page: Page<{ date: string; score: number; categories: Record<string, number> }> = await get(`/accounts/${account.id}/healthScores?limit=5&from=${encodeURIComponent(from)}`);
      all.push(...page.results);
      from = page.next;
    }
    expect(all).toHaveLength(12);
    const dates = all.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(all[11]!.score).toBe(account.healthScore);
    expect(Object.keys(all[0]!.categories).sort()).toEqual(['engagement', 'productUsage', 'support']);
  });

  it("lists onboarding projects and their tasks as Vitally does: tasks apart, done by completedAt", async () => {
    const page = await get<Page<Account>>('/accounts?limit=100');
    let found = false;
    for (const a of page.results.slice(0, 30)) {
      const projects = await get<Page<{ id: string; name: string; accountId: string; actualCompletionDate: string | null; tasks?: unknown }>>(`/accounts/${a.id}/projects`);
      if (projects.results.length === 0) continue;
      found = true;
      const project = projects.results[0]!;
      expect(project).toMatchObject({ accountId: a.id, name: 'Onboarding' });
      expect(project.tasks).toBeUndefined();
      const tasks = await get<Page<{ name: string; dueDate: string | null; completedAt: string | null; projects: { id: string; name: string }[] }>>(`/accounts/${a.id}/tasks?sortBy=createdAt`);
      const mine = tasks.results.filter((t) => t.projects.some((p) => p.id === project.id));
      const byDue = [...mine].sort((x, y) => Date.parse(x.dueDate!) - Date.parse(y.dueDate!));
      expect(byDue[0]!.name).toBe('Kickoff');
      expect(byDue[byDue.length - 1]!.name).toBe('Go-live');
      // A completed project has every task completed.
      if (project.actualCompletionDate) expect(mine.every((t) => t.completedAt !== null)).toBe(true);
    }
    expect(found).toBe(true);
  });

  it("lists every project, task and conversation of the workspace, paged by createdAt, each in the shape its account's list answers", async () => {
    const all = async <T extends { id: string; createdAt: string }>(path: string): Promise<T[]> => {
      const out: T[] = [];
      let from: string | null = null;
      do {
        const page: Page<T> = await get(`${path}?limit=100&sortBy=createdAt${from ? `&from=${encodeURIComponent(from)}` : ''}`);
        out.push(...page.results);
        from = page.next;
      } while (from);
      return out;
    };
    const projects = await all<{ id: string; createdAt: string; accountId: string; tasks?: unknown }>('/projects');
    expect(projects.length).toBeGreaterThan(100);
    expect(new Set(projects.map((p) => p.id)).size).toBe(projects.length);
    const stamps = projects.map((p) => p.createdAt);
    expect(stamps).toEqual([...stamps].sort().reverse());
    // The account's own list answers the same records, field for field.
    const one = projects.find((p) => p.accountId)!;
    const own = await get<Page<Record<string, unknown>>>(`/accounts/${one.accountId}/projects`);
    expect(own.results.find((p) => p['id'] === one.id)).toEqual(one);
    expect(one.tasks).toBeUndefined();
    const tasks = await all<{ id: string; createdAt: string; accountId: string; projects: { id: string }[] }>('/tasks');
    const ownTasks = await get<Page<{ id: string }>>(`/accounts/${one.accountId}/tasks?limit=100`);
    expect(tasks.filter((t) => t.accountId === one.accountId).map((t) => t.id).sort()).toEqual(ownTasks.results.map((t) => t.id).sort());
    const conversations = await all<{ id: string; createdAt: string; accounts: { id: string }[] }>('/conversations');
    expect(conversations.length).toBeGreaterThan(0);
    expect(conversations.every((c) => c.accounts.length > 0)).toBe(true);
    const bad = await fetch(`${base}/projects?sortBy=name`, { headers: basic });
    expect(bad.status).toBe(400);
  });

  it('stores a note (POST /resources/notes with accountId), upserts it by externalId and lists it back', async () => {
    const externalId = `contract-note-${Date.now()}`;
    const body = { accountId: account.id, externalId, subject: 'Renewal risk', note: 'Invoice INV-000123 disputed; CFO escalated.', noteDate: '2026-11-25T10:00:00.000Z' };
    const res = await fetch(`${base}/notes`, { method: 'POST', headers: basic, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const note = (await res.json()) as { id: string; accountId: string; note: string };
    expect(note).toMatchObject({ accountId: account.id, note: body.note, externalId });
    const again = (await (await fetch(`${base}/notes`, { method: 'POST', headers: basic, body: JSON.stringify({ ...body, note: 'Edited.' }) })).json()) as { id: string; note: string };
    expect(again).toMatchObject({ id: note.id, note: 'Edited.' });
    const notes = await get<Page<{ id: string }>>(`/accounts/${account.id}/notes`);
    expect(notes.results.filter((n) => n.id === note.id)).toHaveLength(1);
    const bad = await fetch(`${base}/notes`, { method: 'POST', headers: basic, body: JSON.stringify({ accountId: account.id, text: 'wrong field' }) });
    expect(bad.status).toBe(400);
    const noDate = await fetch(`${base}/notes`, { method: 'POST', headers: basic, body: JSON.stringify({ accountId: account.id, note: 'x' }) });
    expect(noDate.status).toBe(400);
    // Vitally has no note creation under an account's path.
    expect((await fetch(`${base}/accounts/${account.id}/notes`, { method: 'POST', headers: basic, body: JSON.stringify(body) })).status).toBe(404);
  });

  it('merges trait updates and keeps other traits', async () => {
    const before = await get<Account>(`/accounts/${account.id}`);
    const res = await fetch(`${base}/accounts/${account.id}`, { method: 'PATCH', headers: basic, body: JSON.stringify({ traits: { 'concord.openAr': 1234.56 } }) });
    expect(res.status).toBe(200);
    const after = await get<Account>(`/accounts/${account.id}`);
    expect(after.traits).toEqual({ ...before.traits, 'concord.openAr': 1234.56 });
  });
});

describe('auth and limits', () => {
  it('accepts Basic (key as user) and Bearer, and refuses other tokens with 401', async () => {
    expect((await fetch(`${base}/accounts?limit=1`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
    const none = await fetch(`${base}/accounts`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'Unauthorized' });
    const netsuite = await token('netsuite', 'demo');
    expect((await fetch(`${base}/accounts`, { headers: basicAuth(netsuite) })).status).toBe(401);
  });

  it('reports the 1,000/min sliding window in RateLimit-* headers as Vitally documents them', async () => {
    const a = await fetch(`${base}/accounts?limit=1`, { headers: basic });
    await Promise.all(Array.from({ length: 10 }, () => fetch(`${base}/accounts?limit=1`, { headers: basic })));
    const b = await fetch(`${base}/accounts?limit=1`, { headers: basic });
    // https://docs.vitally.io/pushing-data-to-vitally/rest-api: "RateLimit-Limit: 1000, 1000;window=60".
    expect(a.headers.get('ratelimit-limit')).toBe('1000, 1000;window=60');
    expect(Number(b.headers.get('ratelimit-remaining'))).toBeLessThanOrEqual(Number(a.headers.get('ratelimit-remaining')) - 11);
    // Seconds until the earliest request leaves the window: at most 60, at least 1 with requests in it.
    expect(Number(b.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(b.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
  });

  it('keeps tenants apart', async () => {
    const otherKey = basicAuth(await token('vitally', 'other'));
    const demoIds = new Set((await get<Page<Account>>('/accounts?limit=100')).results.map((a) => a.id));
    const otherPage = await get<Page<Account>>('/accounts?limit=100', otherKey);
    expect(otherPage.results.length).toBeGreaterThan(10);
    expect(otherPage.results.some((a) => demoIds.has(a.id))).toBe(false);
    const res = await fetch(`${base}/accounts/${[...demoIds][0]}`, { headers: otherKey });
    expect(res.status).toBe(404);
  });
});
