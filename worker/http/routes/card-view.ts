/**
 * The shared last step of every card view: CRM record -> canonical account -> AccountView, or
 * 404 `account_not_linked` (the code both the HubSpot card and the Salesforce component show as
 * their "not linked yet" empty state).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { accountView } from '../../services/account-view.js';
import { resolveCrmRecord, type CrmRecordRef } from '../../services/crm-record.js';
import type { CardEnv } from '../middleware/card-context.js';
import { serviceContext } from '../../services/context.js';
import { linkCrmCompanies } from '../../services/identity/incremental.js';
import { whyNotLinked } from '../../services/identity/why-unlinked.js';

/** `refresh=1` (HubSpot card) or `refresh=true` (Salesforce component) bypasses the view cache. */
export const RefreshParam = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

export async function serveCardView(c: Context<CardEnv>, ref: CrmRecordRef, refresh: boolean): Promise<Response> {
  const trace = c.get('trace');
  trace?.authenticated();
  const ctx = serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log'), trace }, { maxWaitMs: 3_000 });
  // The CRM record's account: the identity link (per-isolate memo, else one D1 read).
  const resolve = () => resolveCrmRecord(c.env, ctx, ref);
  const { accountId, crmAccountId } = await (trace ? trace.span('link', resolve) : resolve());
  if (!accountId) {
    if (!crmAccountId) fail({ kind: 'not_found', entity: 'account', code: 'account_not_linked' });
    // Say why, and resolve a company Concord has not seen yet in the background ("find a match").
    const why = await whyNotLinked(c.env.DB, ctx.tenantId, ref.system, crmAccountId);
    if (why.unseen) c.executionCtx.waitUntil(linkCrmCompanies(c.env, ctx, ref.system, [crmAccountId]).catch((err: unknown) => ctx.log.warn('identity_link.card_failed', { error: err instanceof Error ? err.message : String(err) })));
    fail({ kind: 'not_found', entity: 'account', code: 'account_not_linked', detail: why.detail });
  }
  const view = await accountView(c.env, ctx, accountId, { refresh, waitUntil: (p) => c.executionCtx.waitUntil(p) });
  // Views carry customer financials: never cached by browsers or proxies between HubSpot and us.
  c.header('cache-control', 'no-store');
  return c.json(view);
}
