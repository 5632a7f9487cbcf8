/**
 * Identity: sync (link every system's companies), resolve (which account is this company?),
 * the tenant's decision thresholds, and the open review cases under their old name
 * (`/exceptions`). Review decisions and splits are in identity-reviews.ts.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { SystemNameSchema, type SystemName } from '../../model/primitives.js';
import { DEFAULT_THRESHOLDS, IdentityFieldsSchema, IdentityThresholdsSchema, type IdentityFields } from '../../policies/identity/index.js';
import { serviceContext } from '../../services/context.js';
import { recordLabel, resolveCandidate, syncIdentity } from '../../services/identity/index.js';
import { auditStatement } from '../../storage/audit.js';
import { loadThresholds, saveThresholds } from '../../storage/identity-settings.js';
import { listReviewCases } from '../../storage/reviews.js';
import type { AppEnv } from '../context.js';
import { jsonBody, parseWith } from '../validate.js';
import { identityReviewRoutes, reviewView } from './identity-reviews.js';

const systems = z.array(SystemNameSchema).min(1).max(4).optional().describe('Only records of these systems are candidates.');
/** `{name, domain?, taxId?, country?, city?, address?, emails?, systems?}` */
const FlatResolveSchema = IdentityFieldsSchema.extend({ systems });
/** `{candidate: {...}, systems?}` */
const WrappedResolveSchema = z.strictObject({ candidate: IdentityFieldsSchema, systems });

export function identityRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/sync', async (c) => {
    const stats = await syncIdentity(c.env, { ...serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 60_000 }), actor: c.get('actor') });
    return c.json(stats);
  });

  // The candidate may come as the body itself or as `{candidate}`; errors name the field's path either way.
  r.post('/resolve', async (c) => {
    const body = await jsonBody(c, z.unknown());
    const wrapped = typeof body === 'object' && body !== null && 'candidate' in body;
    const input = wrapped ? parseWith(WrappedResolveSchema, body) : parseWith(FlatResolveSchema, body);
    let fields: IdentityFields;
    let only: SystemName[] | undefined;
    if ('candidate' in input) ({ candidate: fields, systems: only } = input);
    else ({ systems: only, ...fields } = input);
    const tenantId = c.get('tenantId');
    const thresholds = await loadThresholds(c.env.DB, tenantId);
    const res = await resolveCandidate(c.env.DB, tenantId, fields, { ...(only ? { systems: only } : {}), thresholds });
    return c.json({
      decision: res.decision,
      matches: res.matches.map((m) => ({
        accountId: m.accountId,
        score: m.score,
        reasons: m.reasons,
        record: { system: m.record.system, externalId: m.record.externalId, label: recordLabel(m.record), name: m.record.fields.name },
      })),
      thresholds: { matchAt: thresholds.matchAt, reviewAt: thresholds.reviewAt },
    });
  });

  r.get('/settings', async (c) => {
    const t = await loadThresholds(c.env.DB, c.get('tenantId'));
    return c.json({ matchAt: t.matchAt, reviewAt: t.reviewAt, isDefault: t.isDefault, defaults: DEFAULT_THRESHOLDS });
  });
  r.put('/settings', async (c) => {
    const body = await jsonBody(c, IdentityThresholdsSchema);
    const tenantId = c.get('tenantId');
    const before = await loadThresholds(c.env.DB, tenantId);
    await c.env.DB.batch([
      saveThresholds(c.env.DB, tenantId, body),
      auditStatement(c.env.DB, {
        tenantId,
        actor: c.get('actor'),
        action: 'identity.settings.update',
        entityType: 'identity_settings',
        entityId: tenantId,
        before: { matchAt: before.matchAt, reviewAt: before.reviewAt },
        after: body,
        correlationId: c.get('correlationId'),
      }),
    ]);
    return c.json({ ...body, isDefault: false, defaults: DEFAULT_THRESHOLDS });
  });

  // Kept for callers of the exact-key matcher's exception list: the open review cases.
  r.get('/exceptions', async (c) => {
    const cases = await listReviewCases(c.env.DB, c.get('tenantId'), { statuses: ['open'], limit: 200 });
    return c.json({
      items: cases.map((rc) => ({
        id: rc.id,
        kind: 'review',
        system: rc.subject.system,
        externalId: rc.subject.externalId,
        detail: reviewView(rc),
        status: rc.status,
        createdAt: rc.createdAt,
      })),
    });
  });

  r.route('/', identityReviewRoutes());
  return r;
}
