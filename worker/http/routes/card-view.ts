/**
 * The shared last step of every card view: CRM record -> canonical account -> AccountView, or
 * 404 `account_not_linked` (the code both the HubSpot card and the Salesforce component show as
 * their "not linked yet" empty state).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import type { AccountView } from '../../model/index.js';
import { accountView, cachedAccountView } from '../../services/account-view.js';
import { forgetRecord, rememberedRecord, resolveCrmRecord, type CrmRecordRef, type ResolvedRecord } from '../../services/crm-record.js';
import type { CardEnv } from '../middleware/card-context.js';
import { serviceContext, type ServiceContext } from '../../services/context.js';
import { linkCrmCompanies } from '../../services/identity/incremental.js';
import { whyNotLinked } from '../../services/identity/why-unlinked.js';
import { viewAnswer } from '../view-answer.js';

type SourceIds = NonNullable<ResolvedRecord['sourceIds']>;

/** `refresh=1` (HubSpot card) or `refresh=true` (Salesforce component) bypasses the view cache. */
export const RefreshParam = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

export async function serveCardView(c: Context<CardEnv>, ref: CrmRecordRef, refresh: boolean): Promise<Response> {
  const trace = c.get('trace');
  trace?.authenticated();
  const ctx = serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log'), trace }, { maxWaitMs: 3_000 });
  // Background work (a stale view's revalidation) starts once the answer is written out.
  const out = viewAnswer(c);
  const background = { waitUntil: out.waitUntil, written: out.written };
  const answer = (view: AccountView) => out.json(view);

  // A record this isolate resolved before: its account's cached view, if that view still lists
  // the record (the view confirms the link, so the warm path reads no link: one KV read at most).
  const known = refresh ? undefined : rememberedRecord(ctx.tenantId, ref);
  let fresh = false;
  let knownMiss: string | null = null;
  if (known) {
    const lists = (view: AccountView) => view.links.some((l) => l.system === ref.system && l.externalId === known.crmAccountId);
    const cached = await cachedAccountView(c.env, ctx, known.accountId, lists, background);
    if ('view' in cached) return answer(cached.view);
    if ('refused' in cached) {
      // The account no longer lists the record: read the link itself, not this isolate's memo.
      forgetRecord(ctx.tenantId, ref);
      fresh = true;
    } else {
      knownMiss = known.accountId;
    }
  }

  const { accountId, sourceIds } = await linkOfRecord(c, ctx, ref, { fresh, findMatch: true });
  // The cache was just asked for this very account and had nothing: build without asking again.
  // The link read named the account's ERP and CS records: a build starts their calls at once.
  return answer(await accountView(c.env, ctx, accountId, { refresh, ...background, knownMiss: knownMiss === accountId, ...(sourceIds ? { sourceIds } : {}) }));
}

/**
 * The canonical account of a card's CRM record (the identity link: per-isolate memo, else one D1
 * read), or 404 `account_not_linked` saying why. With `findMatch` (the view), a company Concord has
 * not seen yet is looked for in the background, so the next card read can find it linked; the
 * card's other reads, sent beside the view, leave that to the view instead of starting a second
 * search for the same company.
 */
export async function accountOfRecord(c: Context<CardEnv>, ctx: ServiceContext, ref: CrmRecordRef, opts: { fresh?: boolean; findMatch?: boolean } = {}): Promise<string> {
  return (await linkOfRecord(c, ctx, ref, opts)).accountId;
}

/** {@link accountOfRecord}, with the account's ERP and CS record ids read alongside the link (for its view's build). */
async function linkOfRecord(c: Context<CardEnv>, ctx: ServiceContext, ref: CrmRecordRef, opts: { fresh?: boolean; findMatch?: boolean }): Promise<{ accountId: string; sourceIds?: SourceIds }> {
  const trace = c.get('trace');
  const resolve = () => resolveCrmRecord(c.env, ctx, ref, { fresh: opts.fresh ?? false });
  const { accountId, crmAccountId, sourceIds } = await (trace ? trace.span('link', resolve) : resolve());
  if (accountId) return { accountId, ...(sourceIds ? { sourceIds } : {}) };
  if (!crmAccountId) fail({ kind: 'not_found', entity: 'account', code: 'account_not_linked' });
  const why = await whyNotLinked(c.env.DB, ctx.tenantId, ref.system, crmAccountId);
  if (why.unseen && !opts.findMatch) {
    return fail({ kind: 'not_found', entity: 'account', code: 'account_not_linked', detail: 'Concord has not seen this company yet; reading its account view looks for a match. Try again in a few seconds.' });
  }
  if (why.unseen) c.executionCtx.waitUntil(linkCrmCompanies(c.env, ctx, ref.system, [crmAccountId]).catch((err: unknown) => ctx.log.warn('identity_link.card_failed', { error: err instanceof Error ? err.message : String(err) })));
  return fail({ kind: 'not_found', entity: 'account', code: 'account_not_linked', detail: why.detail });
}
