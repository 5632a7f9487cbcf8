/**
 * Duplicate checks for the closed-won flow, counted in the sandbox:
 * `GET /__sandbox/vitally/:tenant/stats` answers accounts per externalId, and the projects created
 * through the API per account and template (Vitally projects have no externalId, so a flow that
 * creates one twice makes two) and the account tasks created through the API.
 */
import { Hono } from 'hono';
import { problem } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { isSandboxTenant } from '../core/tokens.js';
import { wasCreated } from './provisioning.js';

/** `GET /vitally/:tenant/stats` (mounted at `/__sandbox`). */
export function vitallyStatsApp(state: SandboxState): Hono {
  const app = new Hono();
  app.get('/vitally/:tenant/stats', (c) => {
    const tenant = c.req.param('tenant');
    if (!isSandboxTenant(tenant)) return problem(c, 404, 'unknown_tenant', 'Unknown tenant', `tenant must be demo or other, got ${tenant}`);
    const ds = state.dataset(tenant).vitally;
    const byExternalId = new Map<string, string[]>();
    for (const a of ds.accounts) if (a.externalId) byExternalId.set(a.externalId, [...(byExternalId.get(a.externalId) ?? []), a.id]);
    const sameExternalId = [...byExternalId].filter(([, ids]) => ids.length > 1).map(([externalId, accountIds]) => ({ externalId, accountIds }));
    const created = ds.projects.filter((p) => wasCreated(ds, p));
    const perKey = new Map<string, string[]>();
    for (const p of created) perKey.set(`${p.accountId}|${p.templateId ?? ''}`, [...(perKey.get(`${p.accountId}|${p.templateId ?? ''}`) ?? []), p.id]);
    const repeatedProjects = [...perKey].filter(([, ids]) => ids.length > 1).map(([key, projectIds]) => ({ accountId: key.split('|')[0], templateId: key.split('|')[1] || null, projectIds }));
    return c.json({
      tenant,
      accounts: { total: ds.accounts.length, createdThroughApi: ds.accounts.filter((a) => wasCreated(ds, a)).length, sameExternalId, duplicates: sameExternalId.reduce((n, g) => n + g.accountIds.length - 1, 0) },
      projects: { total: ds.projects.length, createdThroughApi: created.length, repeated: repeatedProjects, duplicates: repeatedProjects.reduce((n, g) => n + g.projectIds.length - 1, 0) },
      tasks: { createdThroughApi: (ds.tasks ?? []).filter((t) => wasCreated(ds, t)).length },
    });
  });
  return app;
}
