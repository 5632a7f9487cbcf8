/**
 * Every route, console screen, job and npm script that the READMEs, docs, the extensions' texts
 * (HubSpot app config, card, Salesforce package, widgets) and the demo page name exists at this
 * commit: a sentence a user reads says what the product does, not what it will do.
 *
 * - Routes: `METHOD /v1/...` mentions (and bare `/v1/...` paths, any method) against the routes
 *   the broker's hono app registers. A route named on purpose before it exists must be in
 *   NOT_SERVED_YET, stay unregistered, and every document naming it must say it is not served.
 * - Console screens: a sentence that sends people to the console for something (linking
 *   accounts, connections, ownership, failed items) needs a console section for it.
 * - Jobs: naming a reconcile job, cron or nightly run needs a cron trigger and a `scheduled`
 *   handler in the Worker.
 * - npm scripts and vitest projects named in commands exist.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The app module graph includes the Durable Object classes; their base class exists only in workerd.
vi.mock('cloudflare:workers', () => ({ DurableObject: class {} }));

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Routes named before the broker serves them, with where and why. */
const NOT_SERVED_YET: Record<string, string> = {
  'POST /v1/webhooks/netsuite': "the NetSuite event script posts to it; extensions/netsuite/README.md says the broker does not serve it yet",
};

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (name === 'node_modules' || name === '__tests__' || name === 'dist') continue;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...walk(rel, keep));
    else if (keep(rel)) out.push(rel);
  }
  return out;
}

/** What users read: docs, READMEs, the extensions' configs and UI sources, the widgets, the demo page. */
const DOCS = ['README.md', 'widgets/README.md', 'sandbox/README.md', ...walk('docs', (f) => f.endsWith('.md')), ...walk('extensions', (f) => f.endsWith('README.md'))];
const TEXTS = [
  ...walk('extensions/hubspot/src', (f) => /\.(json|tsx?)$/.test(f)),
  // Apex test classes and mocks are not shipped text.
  ...walk('extensions/salesforce/force-app', (f) => /\.(cls|js|html|xml|trigger)$/.test(f) && !/(Test|Mock)\.cls$/.test(f)),
  ...walk('widgets/src', (f) => /\.tsx?$/.test(f)),
  ...walk('widgets/public', (f) => f.endsWith('.html')),
  'worker/http/routes/demo.ts',
];
const ALL = [...DOCS, ...TEXTS];

// ---- routes -------------------------------------------------------------------------------

interface Mention { file: string; methods: string[] | null; path: string; prefix: boolean }

const METHOD = '(?:GET|POST|PUT|PATCH|DELETE)';
// Not inside a longer path: NetSuite's `/record/v1/...` or HubSpot's `/oauth/v1/...` are the vendors' routes.
const PATH = '(?<![\\w/.-])/v1/[A-Za-z0-9_:{}<>.\\-/…]*';

function cleanPath(raw: string): { path: string; prefix: boolean } {
  let path = raw.replace(/[.,;:)]+$/, '');
  let prefix = path.endsWith('/');
  const segments = path.split('/');
  const rest = segments.findIndex((s) => s === '...' || s === '…');
  if (rest !== -1) {
    path = segments.slice(0, rest).join('/');
    prefix = true;
  }
  return { path: path.replace(/\/+$/, ''), prefix };
}

/** `GET /v1/...` and `GET`/`PUT /v1/...` mentions, then bare paths not already taken. */
function mentionsIn(file: string): Mention[] {
  const text = read(file).replace(/`/g, '');
  const out: Mention[] = [];
  const taken = new Set<number>();
  for (const m of text.matchAll(new RegExp(`\\b(${METHOD}(?:/${METHOD})*) (${PATH})`, 'g'))) {
    out.push({ file, methods: m[1]!.split('/'), ...cleanPath(m[2]!) });
    taken.add(m.index + m[0].length - m[2]!.length);
  }
  for (const m of text.matchAll(new RegExp(PATH, 'g'))) {
    if (taken.has(m.index)) continue;
    out.push({ file, methods: null, ...cleanPath(m[0]) });
  }
  return out.filter((m) => m.path.split('/').length > 2);
}

const isPlaceholder = (s: string) => s.startsWith(':') || /^[{<].*[}>]$/.test(s) || s === '*';

/** Does a registered route path serve the mentioned path? Route params match anything; a placeholder only matches a param. */
function pathMatches(route: string, mention: string, prefix: boolean): boolean {
  const r = route.split('/').filter(Boolean);
  const m = mention.split('/').filter(Boolean);
  if (prefix ? m.length > r.length : m.length !== r.length) return false;
  return m.every((seg, i) => (r[i]!.startsWith(':') ? true : !isPlaceholder(seg) && r[i] === seg));
}

let routes: { method: string; path: string }[] = [];

beforeAll(async () => {
  // A computed specifier keeps the Worker's module graph (Workers types) out of this Node type check.
  const appModule = '../../worker/http/app.js';
  const { createApp } = (await import(/* @vite-ignore */ appModule)) as { createApp: () => { routes: { method: string; path: string }[] } };
  // Middleware registrations (`ALL .../*`) are not routes anyone can call.
  routes = createApp().routes.filter((r) => r.method !== 'ALL');
});

/** A `METHOD /path` mention must be a route; a bare path may also name an area (a prefix of routes). */
function served(m: Mention): boolean {
  return routes.some((r) => (m.methods === null || m.methods.includes(r.method)) && pathMatches(r.path, m.path, m.prefix || m.methods === null));
}

const key = (m: Mention) => `${m.methods ? `${m.methods.join('/')} ` : ''}${m.path}${m.prefix ? '/…' : ''}`;
const notYet = (m: Mention) => Object.keys(NOT_SERVED_YET).some((k) => { const [method, path] = k.split(' '); return path === m.path && (m.methods === null || m.methods.includes(method!)); });

describe('routes the texts name', () => {
  it('finds the route mentions (the parser works)', () => {
    const readme = mentionsIn('README.md').map(key);
    expect(readme).toEqual(expect.arrayContaining(['GET /v1/tenants/:t/accounts/:id/view', 'GET/PUT /v1/tenants/:t/ownership', 'POST /v1/webhooks/hubspot']));
    expect(routes.length).toBeGreaterThan(30);
  });

  it('are all served by the broker', () => {
    const missing = ALL.flatMap(mentionsIn).filter((m) => !served(m) && !notYet(m)).map((m) => `${m.file}: ${key(m)}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  // `it.each` refuses an empty table: when nothing is pending, there is nothing to check.
  const notServed = Object.entries(NOT_SERVED_YET);
  if (notServed.length > 0) it.each(notServed)('%s is still not served, and every document naming it says so', (route) => {
    const [method, path] = route.split(' ') as [string, string];
    expect(served({ file: '', methods: [method], path, prefix: false }), `${route} is served now: remove it from NOT_SERVED_YET and from the "not served" sentences`).toBe(false);
    for (const file of DOCS.filter((f) => read(f).includes(path))) {
      expect(read(file), `${file} names ${route}`).toMatch(/does not serve/);
    }
  });
});

// ---- console screens ----------------------------------------------------------------------

const CAPABILITIES: { what: string; words: RegExp; section: RegExp }[] = [
  { what: 'linking or matching accounts', words: /\b(link|links|linked|linking|match|matches|matched|matching)\b/i, section: /link|match|identit/i },
  { what: 'connecting systems', words: /\bconnect(s|ed|ion|ions)?\b/i, section: /^Connections$/ },
  { what: 'ownership', words: /\bownership\b/i, section: /^Ownership matrix$/ },
  { what: 'failed items', words: /\b(failed items?|dead letters?|replay)\b/i, section: /^Failed items$/ },
];

/** The console's sections: every `<Section title="...">` of widgets/src/console. */
const consoleSections = () =>
  [...new Set(walk('widgets/src/console', (f) => f.endsWith('.tsx')).flatMap((f) => [...read(f).matchAll(/<Section title="([^"]+)"/g)].map((m) => m[1]!)))];

/**
 * Clauses that send people to the console ("... matches accounts in the Concord console"): the
 * text from the start of the sentence (or 120 characters back) up to "in/from/... the console".
 */
function consoleSentences(file: string): string[] {
  const text = read(file).replace(/\s+/g, ' ');
  return [...text.matchAll(/\b(?:in|from|on|via|through|using) the (?:Concord |admin )?console\b/gi)].map((m) => {
    const before = text.slice(Math.max(0, m.index - 120), m.index);
    const start = Math.max(before.lastIndexOf('. '), before.lastIndexOf('! '), before.lastIndexOf('? '));
    return before.slice(start + 1) + m[0];
  });
}

describe('console screens the texts name', () => {
  it('the console has the sections these checks look for', () => {
    expect(consoleSections()).toEqual(expect.arrayContaining(['Connections', 'Ownership matrix', 'Failed items']));
  });

  it('every sentence that sends people to the console names something the console has', () => {
    const sections = consoleSections();
    const broken = ALL.flatMap((file) =>
      consoleSentences(file).flatMap((sentence) =>
        CAPABILITIES.filter((c) => c.words.test(sentence) && !sections.some((s) => c.section.test(s))).map((c) => `${file}: "${sentence.trim().slice(0, 160)}" (${c.what}: no such console section)`),
      ),
    );
    expect(broken).toEqual([]);
  });
});

// ---- jobs -----------------------------------------------------------------------------------

describe('jobs the texts name', () => {
  it('a reconcile job, cron or nightly run is named only if the Worker has a scheduled handler and a cron trigger', () => {
    const JOB = /\b(reconcil\w* (job|run)|cron( trigger| job)?s?|nightly|scheduled (job|sync|run)|backfill job)\b/gi;
    // Jobs of the CRM packages run in the vendor (e.g. the Salesforce package's Schedulable sweep),
    // not in the Worker: Apex classes are not checked here.
    const named = ALL.filter((file) => !file.endsWith('.cls')).flatMap((file) => [...read(file).matchAll(JOB)].map((m) => `${file}: ${m[0]}`));
    const hasCron = /^\s*crons\s*=\s*\[\s*"/m.test(read('wrangler.toml'));
    const hasScheduled = /\bscheduled\s*[(:]/.test(read('worker/index.ts'));
    if (!hasCron || !hasScheduled) expect(named).toEqual([]);
  });
});

// ---- commands -------------------------------------------------------------------------------

describe('commands the texts name', () => {
  const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
  const projects = [...read('vitest.config.mts').matchAll(/name: '([a-z-]+)'/g)].map((m) => m[1]!);

  it('every `npm run <script>`, `npm start` and `npm test` is a package.json script', () => {
    const named = DOCS.flatMap((file) => [...read(file).matchAll(/\bnpm (?:run ([a-z][\w:-]*)|(start|test)\b)/g)].map((m) => ({ file, script: (m[1] ?? m[2])! })));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !scripts.includes(n.script)).map((n) => `${n.file}: npm run ${n.script}`)).toEqual([]);
  });

  it('every `--project <name>` is a vitest project', () => {
    const named = DOCS.flatMap((file) => [...read(file).matchAll(/--project (\w+)/g)].map((m) => ({ file, project: m[1]! })));
    expect(named.filter((n) => !projects.includes(n.project)).map((n) => `${n.file}: --project ${n.project}`)).toEqual([]);
  });
});

it('scans the files users read', () => {
  // Guards the scan itself: a moved README or UI folder must not silently empty it.
  expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'extensions/hubspot/README.md', 'extensions/salesforce/README.md', 'docs/account-view.md']));
  expect(TEXTS).toEqual(expect.arrayContaining(['extensions/hubspot/src/app/app-hsmeta.json', 'extensions/salesforce/force-app/main/default/lwc/concordAccountReview/concordAccountReview.html']));
  expect(relative(ROOT, join(ROOT, 'README.md'))).toBe('README.md');
});
