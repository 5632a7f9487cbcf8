/**
 * The tenant's lifecycle automations (mounted at /v1/tenants/:tenant/ops/automations):
 * - `GET`: each automation with whether it is on, its thresholds, and the sentences built from
 *   them (when it acts, what it does), plus the stored `policy` object itself, which is what `PUT`
 *   takes; the billing-on-go-live entry is the closed-won settings' (`PUT
 *   /flows/settings/closed-won`, `billing`), shown here so the list is complete, not edited here;
 * - `PUT`: replaces the policy (a part or field left out gets its default), validated field by
 *   field (422 `validation_failed` with each path), audited with before and after, and answered
 *   like the GET. Admin API key or console session only, like every tenant route.
 *
 * A saved policy applies to the next change batch and the next view build (services/
 * automation-policy.ts), and every account the change pipeline knows is judged again under it from
 * the inputs its stored digest keeps (flows/account-changes/rejudge.ts, docs/decisions.md 49 and
 * 51); a cached account view keeps the finance hold it was built with until it is rebuilt, at most
 * 60 s later for any view that is read (docs/decisions.md 37).
 */
import { Hono } from 'hono';
import type { Env } from '../../env.js';
import { closedWonSettings } from '../../flows/closed-won/settings.js';
import { describeAutomations } from '../../policies/automations/describe.js';
import { AUTOMATIONS_FLOW, AutomationPolicySchema, type AutomationPolicy } from '../../policies/automations/policy.js';
import { startRejudge } from '../../flows/account-changes/rejudge.js';
import { loadAutomationPolicy, saveAutomationPolicyStatement } from '../../services/automation-policy.js';
import { auditStatement } from '../../storage/audit.js';
import type { AppEnv } from '../context.js';
import { jsonBody } from '../validate.js';

async function answer(env: Env, tenantId: string, policy: AutomationPolicy) {
  const settings = await closedWonSettings(env.DB, tenantId);
  const goLive = settings.onboarding.milestones.find((m) => m.key === settings.billing.goLiveMilestone)?.name ?? settings.billing.goLiveMilestone;
  return { editable: true, policy, automations: describeAutomations(policy, { releaseOnGoLive: settings.billing.releaseOnGoLive, goLive }) };
}

export function automationRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/', async (c) => {
    const tenantId = c.get('tenantId');
    return c.json(await answer(c.env, tenantId, await loadAutomationPolicy(c.env.DB, tenantId)));
  });

  r.put('/', async (c) => {
    const tenantId = c.get('tenantId');
    const policy = await jsonBody(c, AutomationPolicySchema);
    const before = await loadAutomationPolicy(c.env.DB, tenantId);
    await c.env.DB.batch([
      saveAutomationPolicyStatement(c.env.DB, tenantId, policy),
      auditStatement(c.env.DB, { tenantId, actor: c.get('actor'), action: 'flow.settings.update', entityType: 'flow_settings', entityId: AUTOMATIONS_FLOW, before, after: policy, correlationId: c.get('correlationId') }),
    ]);
    // Every account is judged again under the saved policy, page by page on the sync queue.
    await startRejudge(c.env, tenantId, c.get('correlationId'));
    return c.json(await answer(c.env, tenantId, policy));
  });
  return r;
}
