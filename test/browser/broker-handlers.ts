/**
 * msw request handlers that answer like the Concord broker, built from its saved answers
 * (test/fixtures/concord/): the embed endpoints the CSM panel calls, the admin endpoints the
 * console calls, and the built widget assets. Also the two pages around the broker in these
 * tests: a CRM-like host page using the one-script-tag embed, and the vendor consent page an
 * OAuth start redirects to. Tests override single answers with `broker.use(...)` (msw's
 * runtime handlers), e.g. a 500 on the view.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { accountIdOf, answers, problems, views } from '../fixtures/concord/index.js';
import { AutomationPolicySchema, describeAutomations, type AutomationPolicy } from '../../worker/policies/automations/index.js';

/** The embed token the handlers accept. */
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.embed-token-for-tests.signature0123456789';
/** Where the tests' broker lives (never resolved: requests are answered in the browser context). */
export const ORIGIN = 'http://broker.concord.test';
/** The vendor consent page a Salesforce connect start redirects to. */
export const SALESFORCE_AUTHORIZE = 'https://login.salesforce.com/services/oauth2/authorize';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

/** A problem+json answer as the broker sends it. */
export function problem(body: unknown): HttpResponse<string> {
  const status = (body as { status: number }).status;
  return new HttpResponse(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });
}

const unauthorized = { type: 'https://concord.dev/problems/unauthorized', title: 'Unauthorized', status: 401, code: 'unauthorized', detail: 'The embed token is missing or expired.' };

/** An account id the review handlers answer "no such account" for. */
export const MISSING_ACCOUNT = 'acc_ffffffffffffffffffffffffffffffff';

interface ReviewItem { id: string; subject: { accountId: string | null } }

/** Every view fixture by its account id (each fixture has its own, so each is reachable). */
export const VIEWS_BY_ACCOUNT = new Map(Object.values(views).map((v) => [accountIdOf(v), v]));
if (VIEWS_BY_ACCOUNT.size !== Object.keys(views).length) throw new Error('two view fixtures share an account id');

/** The handlers of a broker serving the widgets built into `distDir`. */
export function brokerHandlers(distDir: string): HttpHandler[] {
  const embed = (what: 'view' | 'audit') =>
    http.get(`${ORIGIN}/v1/embed/accounts/:id/${what}`, ({ request, params }) => {
      if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) return problem(unauthorized);
      const view = VIEWS_BY_ACCOUNT.get(String(params['id']));
      if (!view) return problem(problems.accountNotFound);
      // The saved history is Acme's; other accounts have none yet.
      if (what === 'audit') return HttpResponse.json(view === views.ok ? answers.audit : { items: [], next: null });
      return HttpResponse.json(view);
    });
  const tenant = (path: string) => `${ORIGIN}/v1/tenants/demo${path}`;
  return [
    http.get(`${ORIGIN}/widgets/*`, async ({ request }) => {
      const path = new URL(request.url).pathname;
      const file = normalize(join(distDir, path));
      if (!file.startsWith(distDir)) return problem(problems.routeNotFound);
      try {
        return new HttpResponse(await readFile(file), { headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' } });
      } catch {
        return problem(problems.routeNotFound);
      }
    }),
    // Browsers ask for a favicon on every page; that 404 is not the widgets' doing.
    http.get(`${ORIGIN}/favicon.ico`, () => new HttpResponse(null, { status: 204 })),
    http.get(`${ORIGIN}/host.html`, ({ request }) => {
      const account = new URL(request.url).searchParams.get('account') ?? '';
      return HttpResponse.html(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host CRM page</title></head><body style="margin:0;font-family:serif"><p style="margin:8px">Host page content</p><script src="/widgets/panel.js" data-concord-account="${account}" data-concord-token="${TOKEN}" data-concord-api="${ORIGIN}"></script></body></html>`,
      );
    }),
    embed('view'),
    embed('audit'),
    http.get(tenant('/connections'), () => HttpResponse.json(answers.connections)),
    http.post(tenant('/connections/netsuite'), async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      return HttpResponse.json('consumerKey' in body ? answers.netsuiteTbaConnected : answers.netsuiteConnected, { status: 201 });
    }),
    http.delete(tenant('/connections/:system'), () => new HttpResponse(null, { status: 204 })),
    // The broker redirects to the vendor's consent page (worker/http/routes/connect.ts).
    http.get(tenant('/connect/salesforce/start'), () => HttpResponse.redirect(`${SALESFORCE_AUTHORIZE}?response_type=code&client_id=concord-test&code_challenge_method=S256`, 302)),
    http.get(SALESFORCE_AUTHORIZE, () => HttpResponse.html('<!doctype html><title>Salesforce login</title><p>Log in to Salesforce to allow Concord.</p>')),
    http.get(tenant('/ownership'), () => HttpResponse.json(answers.ownership)),
    http.put(tenant('/ownership'), async ({ request }) => {
      const body = (await request.json()) as { rules: { entity: string; field: string; owner: string }[] };
      const defaults = new Map((answers.ownership as { rules: { entity: string; field: string; default: string }[] }).rules.map((r) => [`${r.entity}.${r.field}`, r.default]));
      // The broker stores and answers only what differs from the default matrix.
      const override = Object.fromEntries(body.rules.map((r) => [`${r.entity}.${r.field}`, r.owner]).filter(([k, v]) => defaults.get(k!) !== v));
      return HttpResponse.json({ override });
    }),
    http.get(tenant('/dead-letters'), () => HttpResponse.json(answers.deadLetters)),
    http.post(tenant('/dead-letters/:id/replay'), () => HttpResponse.json(answers.deadLetterReplayed, { status: 202 })),
    http.get(tenant('/flows/runs'), ({ request }) => {
      const status = new URL(request.url).searchParams.get('status');
      const all = answers.flowRuns as { items: { status: string }[]; next: null };
      return HttpResponse.json(status ? { ...all, items: all.items.filter((r) => r.status === status) } : all);
    }),
    http.post(tenant('/flows/runs/:id/retry'), ({ params }) => HttpResponse.json({ ...answers.flowRunRetried, id: String(params['id']) }, { status: 202 })),
    http.get(tenant('/write-refusals'), () => HttpResponse.json(answers.writeRefusals)),
    http.get(tenant('/flows/settings/closed-won'), () => HttpResponse.json(answers.closedWonSettings)),
    // The broker answers the settings it stored (worker/http/routes/flows.ts), or refuses them field by field.
    http.put(tenant('/flows/settings/closed-won'), async ({ request }) => {
      const body = (await request.json()) as { taxIdCountries: string[] };
      if (body.taxIdCountries.some((c) => !/^[A-Z]{2}$/.test(c))) return problem(problems.settingsInvalid);
      return HttpResponse.json(body);
    }),
    http.get(tenant('/identity/reviews'), ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.get('status') === 'decided' ? answers.reviewsDecided : answers.reviews)),
    // As worker/http/routes/identity-reviews.ts answers a decision: the case as decided now.
    http.post(tenant('/identity/reviews/:id/decision'), async ({ request, params }) => {
      const item = (answers.reviews as { items: ReviewItem[] }).items.find((c) => c.id === params['id']);
      if (!item) return problem(problems.reviewNotFound);
      const body = (await request.json()) as { decision: 'approve' | 'reject' | 'link'; accountId?: string };
      if (body.decision === 'link' && body.accountId === MISSING_ACCOUNT) return problem({ ...problems.accountNotFound, detail: `No account with id ${MISSING_ACCOUNT}` });
      const status = { approve: 'approved', reject: 'rejected', link: 'linked' }[body.decision];
      return HttpResponse.json({ case: { ...item, status, decision: { decision: body.decision, accountId: body.accountId ?? item.subject.accountId, changes: [] } }, result: {}, replayed: false });
    }),
    http.get(tenant('/sync/runs'), () => HttpResponse.json(answers.syncRuns)),
    http.get(tenant('/sync/runs/:id'), ({ params }) => {
      const saved = answers.syncRunReconcile as { id: string };
      if (params['id'] === saved.id) return HttpResponse.json(saved);
      const run = (answers.syncRuns as { items: { id: string; kind: string }[] }).items.find((r) => r.id === params['id']);
      // As worker/http/routes/sync-runs.ts: a backfill has no drift report; this saved reconcile's report is empty.
      return run ? HttpResponse.json({ ...run, drift: [] }) : problem({ ...problems.routeNotFound, title: 'Not found', code: 'sync_run_not_found' });
    }),
    // One run per kind at a time: the saved list has a backfill in progress.
    http.post(tenant('/sync/runs'), async ({ request }) => {
      const body = (await request.json()) as { kind: string; dryRun?: boolean };
      if (body.kind === 'backfill') return problem(problems.syncRunActive);
      return HttpResponse.json({ ...answers.syncRunStarted, dryRun: body.dryRun ?? false }, { status: 202 });
    }),
    http.get(tenant('/ops/intake'), () => HttpResponse.json(answers.intake)),
    http.get(tenant('/ops/automations'), () => HttpResponse.json(answers.automations)),
    // The broker answers the policy it stored with its sentences (worker/http/routes/automations.ts,
    // worded by the broker's own describeAutomations), or refuses a drop over 100 points field by field.
    http.put(tenant('/ops/automations'), async ({ request }) => {
      const body = (await request.json()) as AutomationPolicy;
      if (typeof body.healthDrop?.dropPoints === 'number' && body.healthDrop.dropPoints > 100) return problem(problems.automationsInvalid);
      const policy = AutomationPolicySchema.parse(body);
      return HttpResponse.json({ ...answers.automations, policy, automations: describeAutomations(policy, { releaseOnGoLive: false, goLive: 'Go-live' }) });
    }),
    http.post(tenant('/identity/split'), async ({ request }) =>
      HttpResponse.json({ status: 'split', ...((await request.json()) as object), newAccountId: null, keptApartFrom: 1 })),
  ];
}

/** A broker without the admin routes (an older server): every tenant route is "no such route". */
export const withoutAdminRoutes: HttpHandler[] = [http.all(`${ORIGIN}/v1/tenants/*`, () => problem(problems.routeNotFound))];

/** A broker whose view build fails: 500 internal_error on the embed view. */
export const failingView: HttpHandler[] = [http.get(`${ORIGIN}/v1/embed/accounts/:id/view`, () => problem(problems.internalError))];
