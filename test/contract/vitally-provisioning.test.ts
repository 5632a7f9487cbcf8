/**
 * The Vitally writes of the closed-won flow, over HTTP in Vitally's documented shapes (Basic auth
 * with the API key as user): account create by externalId that never makes a second account,
 * CSMs found by e-mail among Admins, a project made from a template with its milestones as tasks,
 * account tasks unique on externalId, and Vitally's error shapes. Own sandbox: it creates records.
 * https://docs.vitally.io/en/articles/9880654-rest-api-accounts
 * https://docs.vitally.io/en/articles/9880663-rest-api-admins
 * https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects
 * https://docs.vitally.io/en/articles/9880855-rest-api-tasks
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

let sandbox: SandboxListener;
let auth: Record<string, string>;

const call = (method: string, path: string, body?: unknown) => fetch(`${sandbox.url}/vitally${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
async function ok<T = Record<string, any>>(res: Response): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}
async function refused(res: Response, status: number, error: string): Promise<string> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string; message: string };
  expect(body.error).toBe(error);
  return body.message;
}
const stats = async () => (await (await fetch(`${sandbox.url}/__sandbox/vitally/demo/stats`)).json()) as Record<string, any>;

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  const token = ((await (await fetch(`${sandbox.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'vitally', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
  auth = { authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}`, 'content-type': 'application/json' };
});

afterAll(() => sandbox.close());

describe('Vitally provisioning for the closed-won flow', () => {
  it('creates an account by externalId; the same externalId again updates it instead of adding one', async () => {
    const first = await ok(await call('POST', '/resources/accounts', { externalId: 'hubspot-company-777', name: 'Lumen Freight', traits: { plan: 'Growth', arr: 36000 } }));
    expect(first).toMatchObject({ externalId: 'hubspot-company-777', name: 'Lumen Freight', traits: { plan: 'Growth', arr: 36000 }, accountOwnerId: null });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await ok(await call('POST', '/resources/accounts', { externalId: 'hubspot-company-777', name: 'Lumen Freight Ltd', traits: { contractStart: '2026-12-01' } }));
    expect(again.id).toBe(first.id);
    expect(again.traits).toEqual({ plan: 'Growth', arr: 36000, contractStart: '2026-12-01' });
    expect((await ok(await call('GET', '/resources/accounts/hubspot-company-777'))).id).toBe(first.id);
    const patched = await ok(await call('PUT', '/resources/accounts/hubspot-company-777', { traits: { onboardingStatus: 'kickoff' } }));
    expect(patched.traits.onboardingStatus).toBe('kickoff');
    expect((await stats()).accounts).toMatchObject({ createdThroughApi: 1, duplicates: 0 });

    expect(await refused(await call('POST', '/resources/accounts', { externalId: 'x-1' }), 400, 'Bad request')).toContain('name');
    expect(await refused(await call('POST', '/resources/accounts', { externalId: 'x-1', name: 'X', accountOwnerId: 'someone' }), 400, 'Bad request')).toContain('accountOwnerId');
    expect(await refused(await call('POST', '/resources/accounts', { externalId: 'x-1', name: 'X', csmId: 'someone' }), 400, 'Bad request')).toContain('csmId');
  });

  it("finds a CSM among Vitally's admins by the e-mail the CRM owner has", async () => {
    const hubspotToken = ((await (await fetch(`${sandbox.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
    const owners = (await (await fetch(`${sandbox.url}/hubspot/crm/v3/owners?limit=100`, { headers: { authorization: `Bearer ${hubspotToken}` } })).json()) as { results: { email: string; teams: { name: string }[] }[] };
    const csm = owners.results.find((o) => o.teams.some((t) => t.name === 'Customer Success'))!;
    const admin = await ok(await call('GET', `/resources/admins/search?email=${encodeURIComponent(csm.email.toUpperCase())}`));
    expect(admin).toMatchObject({ email: csm.email, licenseStatus: 'active' });
    expect(admin.id).toMatch(/^[0-9a-f-]{36}$/);
    await refused(await call('GET', '/resources/admins/search?email=nobody%40example.com'), 404, 'Not found');
    await refused(await call('GET', '/resources/admins/search'), 400, 'Bad request');
  });

  it('makes an onboarding project from a template, its milestones due from the target start', async () => {
    const account = await ok(await call('POST', '/resources/accounts', { externalId: 'hubspot-company-778', name: 'Quarry Labs' }));
    const templates = await ok<{ results: { id: string; name: string; projectName: string }[]; next: string | null }>(await call('GET', '/resources/projectTemplates'));
    const standard = templates.results.find((t) => t.name === 'Onboarding - Standard')!;
    const project = await ok(await call('POST', '/resources/projects', { templateId: standard.id, accountId: account.id, targetStartDate: '2026-12-01', traits: { dealId: '3001088' } }));
    expect(project).toMatchObject({ accountId: account.id, templateId: standard.id, name: standard.projectName, targetStartDate: '2026-12-01', targetCompletionDate: '2027-01-30', traits: { dealId: '3001088' } });
    expect(project.tasks.map((t: { name: string; dueDate: string }) => [t.name, t.dueDate])).toEqual([
      ['Kickoff', '2026-12-08'],
      ['Data migration', '2026-12-31'],
      ['Training', '2027-01-15'],
      ['Go-live', '2027-01-30'],
    ]);
    expect((await ok(await call('GET', `/resources/projects/${project.id}`))).id).toBe(project.id);
    const listed = await ok<{ results: { id: string }[] }>(await call('GET', `/resources/accounts/${account.id}/projects`));
    expect(listed.results.map((p) => p.id)).toEqual([project.id]);

    expect(await refused(await call('POST', '/resources/projects', { accountId: account.id, name: 'No template' }), 400, 'Bad request')).toContain('templateId');
    await refused(await call('POST', '/resources/projects', { templateId: standard.id, accountId: '00000000-0000-4000-8000-000000000000' }), 404, 'Not found');
    // Projects have no externalId: a second create is a second project, and the sandbox counts it.
    await ok(await call('POST', '/resources/projects', { templateId: standard.id, accountId: account.id }));
    expect((await stats()).projects).toMatchObject({ createdThroughApi: 2, duplicates: 1 });
  });

  it('creates account tasks unique on externalId, lists them beside the milestones, and completes a milestone', async () => {
    const account = await ok(await call('POST', '/resources/accounts', { externalId: 'hubspot-company-779', name: 'Harbor Bio' }));
    const templates = await ok<{ results: { id: string; name: string }[] }>(await call('GET', '/resources/projectTemplates'));
    const project = await ok(await call('POST', '/resources/projects', { templateId: templates.results.find((t) => t.name === 'Onboarding - Standard')!.id, accountId: account.id, targetStartDate: '2026-12-01' }));
    const task = await ok(await call('POST', '/resources/tasks', { accountId: account.id, name: 'Send welcome pack', externalId: 'order-SO-1-welcome', dueDate: '2026-12-02' }));
    expect(task).toMatchObject({ accountId: account.id, name: 'Send welcome pack', externalId: 'order-SO-1-welcome', dueDate: '2026-12-02', completedAt: null, projects: [] });
    const repeat = await ok(await call('POST', '/resources/tasks', { accountId: account.id, name: 'Send welcome pack (v2)', externalId: 'order-SO-1-welcome' }));
    expect(repeat.id).toBe(task.id);
    expect((await ok(await call('GET', `/resources/tasks/${task.id}`))).name).toBe('Send welcome pack (v2)');
    const all = await ok<{ results: { id: string; name: string; projects: { id: string }[] }[] }>(await call('GET', `/resources/accounts/${account.id}/tasks?limit=100`));
    expect(all.results.map((t) => t.name).sort()).toEqual(['Data migration', 'Go-live', 'Kickoff', 'Send welcome pack (v2)', 'Training']);
    const kickoff = all.results.find((t) => t.name === 'Kickoff')!;
    expect(kickoff.projects).toEqual([{ id: project.id, name: project.name }]);
    const done = await ok(await call('PUT', `/resources/tasks/${kickoff.id}`, { completedAt: '2026-12-08T15:00:00.000Z' }));
    expect(done.completedAt).toBe('2026-12-08T15:00:00.000Z');
    const after = await ok(await call('GET', `/resources/projects/${project.id}`));
    expect(after.tasks.find((t: { name: string }) => t.name === 'Kickoff')).toMatchObject({ status: 'completed', completedAt: '2026-12-08T15:00:00.000Z' });
    expect((await stats()).tasks.createdThroughApi).toBe(1);

    // A task's projects are set in Vitally's app, not through the API.
    expect(await refused(await call('POST', '/resources/tasks', { accountId: account.id, name: 'Linked', projectId: project.id }), 400, 'Bad request')).toContain('projectId');
    expect(await refused(await call('POST', '/resources/tasks', { name: 'No account' }), 400, 'Bad request')).toContain('accountId');
    await refused(await call('PUT', '/resources/tasks/nope', { name: 'x' }), 404, 'Not found');
  });
});
