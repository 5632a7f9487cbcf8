/**
 * The identity review queue and the resolve API inside workerd, against the sandbox estate:
 * cases with both records side by side, each decision (approve, reject remembered by the next
 * sync, link to another account), splitting a wrong link, per-tenant thresholds, and the
 * 400/422 answers of bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, connectAll } from './helpers.js';

interface Side {
  system: string;
  externalId: string;
  label: string;
  accountId: string | null;
  fields: { name: string; domain?: string | null; country?: string | null };
}
interface Case {
  id: string;
  status: string;
  score: number;
  reasons: { code: string; weight: number; text: string; conflict?: boolean }[];
  subject: Side;
  candidate: Side;
  decision: { accountId: string | null; changes: string[] } | null;
}
interface Account {
  id: string;
  name: string;
  links: { system: string; externalId: string; isPrimary: boolean }[];
  fields: Record<string, { value: string; system: string; rule: string }> | null;
}

let key: string;
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const reviews = async (status = 'open') => (await json<{ items: Case[] }>(await api(`/v1/tenants/demo/identity/reviews?status=${status}&limit=200`, { key }))).items;
const account = async (id: string) => json<Account>(await api(`/v1/tenants/demo/accounts/${id}`, { key }));
const decide = (id: string, body: unknown) => api(`/v1/tenants/demo/identity/reviews/${id}/decision`, { method: 'POST', key, body: JSON.stringify(body) });
const sync = async () => {
  const res = await api('/v1/tenants/demo/identity/sync', { method: 'POST', key });
  expect(res.status).toBe(200);
  return json<{ accountsCreated: number; reviews: number }>(res);
};
async function accountOfRecord(system: string, externalId: string): Promise<string | null> {
  let cursor: string | null = null;
  do {
    const body: { items: Account[]; next: string | null } = await json(await api(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key }));
    const hit = body.items.find((a) => a.links.some((l) => l.system === system && l.externalId === externalId));
    if (hit) return hit.id;
    cursor = body.next;
  } while (cursor);
  return null;
}

beforeAll(async () => {
  key = await connectAll('demo');
  await sync();
}, 240_000);

describe('review queue', () => {
  it('lists each case with both records side by side, its score and reasons, also as /exceptions', async () => {
    const open = await reviews();
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) {
      expect(c.status).toBe('open');
      expect(c.subject.fields.name).toBeTruthy();
      expect(c.candidate.fields.name).toBeTruthy();
      expect(c.subject.label).toMatch(/^(HubSpot company|Salesforce account|NetSuite customer) /);
      expect(c.reasons.length).toBeGreaterThan(0);
      expect(c.reasons.every((r) => typeof r.weight === 'number' && r.text.length > 10)).toBe(true);
    }
    const one = await json<Case>(await api(`/v1/tenants/demo/identity/reviews/${open[0]!.id}`, { key }));
    expect(one).toEqual(open[0]);
    const legacy = await json<{ items: { id: string; kind: string; system: string }[] }>(await api('/v1/tenants/demo/identity/exceptions', { key }));
    expect(legacy.items.map((i) => i.id).sort()).toEqual(open.map((c) => c.id).sort());
    const missing = await api('/v1/tenants/demo/identity/reviews/rv_000000000000000000000000', { key });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('review_not_found');
  });

  it('approve links the two records, survivorship follows the ownership matrix, and the decision is audited and idempotent', async () => {
    const open = await reviews();
    const c = open.find((x) => x.subject.system === 'hubspot' && x.candidate.system === 'netsuite' && x.candidate.accountId === null)!;
    expect(c, 'a HubSpot company asked about against an unlinked NetSuite customer').toBeDefined();
    const siblings = open.filter((x) => x.id !== c.id && x.subject.externalId === c.subject.externalId && x.candidate.system === 'netsuite');
    const res = await decide(c.id, { decision: 'approve' });
    expect(res.status).toBe(200);
    const body = await json<{ case: Case; result: { accountId: string; changes: string[] }; replayed: boolean }>(res);
    expect(body.case.status).toBe('approved');
    expect(body.result.accountId).toBe(c.subject.accountId);
    const acc = await account(body.result.accountId);
    expect(acc.links).toEqual(expect.arrayContaining([expect.objectContaining({ system: 'netsuite', externalId: c.candidate.externalId, isPrimary: true })]));
    // The CRM names the account; the ERP gives the legal name (default ownership matrix).
    expect(acc.fields!['name']).toMatchObject({ system: 'hubspot', rule: 'owner' });
    expect(acc.fields!['legalName']).toMatchObject({ value: c.candidate.fields.name, system: 'netsuite', rule: 'owner' });
    // The subject's other NetSuite questions are answered by this decision.
    const after = await reviews('all');
    for (const s of siblings) expect(after.find((x) => x.id === s.id)!.status).toBe('superseded');
    // Same decision again: the stored result; a different one: 409.
    const again = await json<{ replayed: boolean; result: { accountId: string } }>(await decide(c.id, { decision: 'approve' }));
    expect(again).toMatchObject({ replayed: true, result: { accountId: body.result.accountId } });
    const conflicting = await decide(c.id, { decision: 'reject' });
    expect(conflicting.status).toBe(409);
    expect(((await conflicting.json()) as { code: string }).code).toBe('review_already_decided');
    const audit = await json<{ items: { action: string; entityId: string }[] }>(await api(`/v1/tenants/demo/audit?entityType=review_case&entityId=${c.id}`, { key }));
    expect(audit.items.map((i) => i.action)).toContain('identity.review.approve');
  });

  it('reject keeps the two apart, and the next sync neither links nor asks again', async () => {
    const c = (await reviews()).find((x) => x.candidate.accountId === null || x.candidate.accountId !== x.subject.accountId)!;
    expect(c).toBeDefined();
    const res = await decide(c.id, { decision: 'reject' });
    expect(res.status).toBe(200);
    expect((await json<{ case: Case }>(res)).case.status).toBe('rejected');
    await sync();
    const all = await reviews('all');
    const pair = all.filter((x) => x.subject.externalId === c.subject.externalId && x.candidate.externalId === c.candidate.externalId);
    expect(pair.map((x) => x.status)).toEqual(['rejected']);
    const subjectAccount = await accountOfRecord(c.subject.system, c.subject.externalId);
    const candidateAccount = await accountOfRecord(c.candidate.system, c.candidate.externalId);
    expect(subjectAccount).not.toBeNull();
    expect(candidateAccount).not.toBe(subjectAccount);
  });

  it('link moves the subject to the account a person names', async () => {
    const c = (await reviews()).find((x) => x.subject.accountId !== null)!;
    expect(c).toBeDefined();
    const list = await json<{ items: Account[] }>(await api('/v1/tenants/demo/accounts?limit=50', { key }));
    const target = list.items.find((a) => a.id !== c.subject.accountId && a.id !== c.candidate.accountId && a.links.some((l) => l.system === 'hubspot'))!;
    const unknown = await decide(c.id, { decision: 'link', accountId: 'acc_00000000000000000000000000000000' });
    expect(unknown.status).toBe(404);
    const res = await decide(c.id, { decision: 'link', accountId: target.id });
    expect(res.status).toBe(200);
    const body = await json<{ case: Case; result: { accountId: string } }>(res);
    expect(body.case.status).toBe('linked');
    const acc = await account(target.id);
    // The target already has a HubSpot company: the subject joins as a second (non-primary) record.
    expect(acc.links).toEqual(expect.arrayContaining([{ system: c.subject.system, externalId: c.subject.externalId, rule: 'manual', isPrimary: c.subject.system !== 'hubspot' }]));
    expect(await accountOfRecord(c.subject.system, c.subject.externalId)).toBe(target.id);
  });
});

describe('split', () => {
  it('unlinks a wrongly linked ERP customer, drops the cached view, and the next sync keeps them apart', async () => {
    const list = await json<{ items: Account[] }>(await api('/v1/tenants/demo/accounts?limit=100', { key }));
    const acc = list.items.find((a) => a.links.some((l) => l.system === 'hubspot') && a.links.some((l) => l.system === 'netsuite'))!;
    const ns = acc.links.find((l) => l.system === 'netsuite')!;
    const before = await json<{ links: { system: string }[] }>(await api(`/v1/tenants/demo/accounts/${acc.id}/view`, { key }));
    expect(before.links.map((l) => l.system)).toContain('netsuite');

    const res = await api('/v1/tenants/demo/identity/split', { method: 'POST', key, body: JSON.stringify({ accountId: acc.id, system: 'netsuite', externalId: ns.externalId }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'split', accountId: acc.id, removed: { system: 'netsuite', externalId: ns.externalId }, newAccountId: null });
    expect((await account(acc.id)).links.some((l) => l.system === 'netsuite')).toBe(false);
    // The cached view (fresh for a minute) is gone: the view no longer shows the ERP customer.
    const after = await json<{ links: { system: string }[]; receivables: unknown }>(await api(`/v1/tenants/demo/accounts/${acc.id}/view`, { key }));
    expect(after.links.map((l) => l.system)).not.toContain('netsuite');
    // View schema v2: a section of a system the account is not linked to says so (docs/account-view.md).
    expect(after.receivables).toEqual({ state: 'not_linked' });
    const audit = await json<{ items: { action: string }[] }>(await api(`/v1/tenants/demo/audit?entityType=account&entityId=${acc.id}`, { key }));
    expect(audit.items[0]!.action).toBe('identity.split');

    await sync();
    expect((await account(acc.id)).links.some((l) => l.system === 'netsuite' && l.externalId === ns.externalId)).toBe(false);
    // Kept apart from its old account, the ERP customer became an account of its own, or a
    // person is asked which customer it is.
    const own = await accountOfRecord('netsuite', ns.externalId);
    const asked = (await reviews()).some((c) => c.candidate.system === 'netsuite' && c.candidate.externalId === ns.externalId);
    expect(own).not.toBe(acc.id);
    expect(own !== null || asked).toBe(true);

    const again = await api('/v1/tenants/demo/identity/split', { method: 'POST', key, body: JSON.stringify({ accountId: acc.id, system: 'netsuite', externalId: ns.externalId }) });
    expect(await again.json()).toMatchObject({ status: 'already_split' });
  });

  it('gives a split CRM company an account of its own, and refuses what cannot be split', async () => {
    const list = await json<{ items: Account[] }>(await api('/v1/tenants/demo/accounts?limit=200', { key }));
    const acc = list.items.find((a) => a.links.filter((l) => l.system === 'hubspot').length === 1 && a.links.some((l) => l.system === 'vitally'))!;
    const hs = acc.links.find((l) => l.system === 'hubspot')!;
    const res = await api('/v1/tenants/demo/identity/split', { method: 'POST', key, body: JSON.stringify({ accountId: acc.id, system: 'hubspot', externalId: hs.externalId }) });
    const body = await json<{ newAccountId: string }>(res);
    expect(body.newAccountId).toMatch(/^acc_/);
    expect((await account(body.newAccountId)).links).toEqual([expect.objectContaining({ system: 'hubspot', externalId: hs.externalId, isPrimary: true })]);

    const lone = await api('/v1/tenants/demo/identity/split', { method: 'POST', key, body: JSON.stringify({ accountId: body.newAccountId, system: 'hubspot', externalId: hs.externalId }) });
    expect(lone.status).toBe(409);
    expect(((await lone.json()) as { code: string }).code).toBe('nothing_to_split');
    const notThere = await api('/v1/tenants/demo/identity/split', { method: 'POST', key, body: JSON.stringify({ accountId: acc.id, system: 'netsuite', externalId: '999999' }) });
    expect(notThere.status).toBe(404);
    const bad = await api('/v1/tenants/demo/identity/split', { method: 'POST', key, body: JSON.stringify({ accountId: acc.id, system: 'sap' }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(['externalId', 'system']);
  });
});

describe('resolve and thresholds', () => {
  const resolve = (body: unknown) => api('/v1/tenants/demo/identity/resolve', { method: 'POST', key, body: JSON.stringify(body) });

  it('answers with a decision and scored matches with reasons, for the body itself or {candidate}', async () => {
    const list = await json<{ items: Account[] }>(await api('/v1/tenants/demo/accounts?limit=200', { key }));
    // A linked customer chosen by what its view holds (the list's order is no property): its ERP
    // facts read (a view whose NetSuite read failed has no legal name or billing address), with a
    // tax id and a domain, the evidence a match needs.
    type Facts = { account: { legalName?: string; domain?: string; taxId?: string; billTo?: { city: string; country: string; line1: string } } };
    // Accounts a review case is about (the seed's hard cases: same brand, typos, conflicting tax
    // ids) are left out: their evidence is ambiguous on purpose.
    const inReview = new Set<string>();
    for (const c of await reviews('all')) for (const id of [c.subject.accountId, c.candidate.accountId]) if (id) inReview.add(id);
    let acc: Account | null = null;
    let facts: Facts | null = null;
    for (const a of list.items.filter((x) => !inReview.has(x.id) && x.links.some((l) => l.system === 'netsuite') && x.links.some((l) => l.system === 'hubspot'))) {
      const v = await json<Facts>(await api(`/v1/tenants/demo/accounts/${a.id}/view`, { key }));
      if (v.account.legalName && v.account.taxId && v.account.domain && v.account.billTo?.city && v.account.billTo.country) {
        [acc, facts] = [a, v];
        break;
      }
    }
    expect(facts, 'a linked customer with its ERP facts, tax id and domain').not.toBeNull();
    if (!acc || !facts) return;
    const candidate = { name: facts.account.legalName!, domain: facts.account.domain ? `https://WWW.${facts.account.domain.toUpperCase()}/` : null, taxId: facts.account.taxId ?? null, city: facts.account.billTo?.city ?? null, country: facts.account.billTo?.country ?? null };
    for (const body of [candidate, { candidate }]) {
      const res = await resolve(body);
      expect(res.status).toBe(200);
      const out = await json<{ decision: string; matches: { accountId: string; score: number; reasons: { text: string }[] }[] }>(res);
      expect(out.decision).toBe('match');
      expect(out.matches[0]).toMatchObject({ accountId: acc.id });
      expect(out.matches[0]!.score).toBeGreaterThanOrEqual(0.8);
      expect(out.matches[0]!.reasons.length).toBeGreaterThan(1);
    }
    // Nobody like this is a customer.
    expect(await json(await resolve({ name: 'Zyxwv Quantum Hydroponics', domain: 'zyxwv-hydro.example', country: 'NZ' }))).toMatchObject({ decision: 'new', matches: [] });
  });

  it('refuses bad candidates with 422 and the path of each field, and non-JSON with 400', async () => {
    const flat = await resolve({ domain: 42, emails: ['a@b.io', 7], systems: ['sap'] });
    expect(flat.status).toBe(422);
    const paths = ((await flat.json()) as { code: string; errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['domain', 'emails.1', 'name', 'systems.0']);
    const wrapped = await resolve({ candidate: { name: '' } });
    expect(((await wrapped.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['candidate.name']);
    const text = await api('/v1/tenants/demo/identity/resolve', { method: 'POST', key, body: 'name=Acme', headers: { 'content-type': 'application/json' } });
    expect(text.status).toBe(400);
  });

  it('keeps thresholds per tenant: defaults, validated updates, and decisions that follow them', async () => {
    const defaults = await json<{ matchAt: number; reviewAt: number; isDefault: boolean }>(await api('/v1/tenants/demo/identity/settings', { key }));
    expect(defaults).toMatchObject({ matchAt: 0.8, reviewAt: 0.45, isDefault: true });
    const bad = await api('/v1/tenants/demo/identity/settings', { method: 'PUT', key, body: JSON.stringify({ matchAt: 0.6, reviewAt: 0.7 }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['reviewAt']);

    // A same name in the same city and country reaches 0.8: linked by default, reviewed under a stricter tenant.
    const list = await json<{ items: Account[] }>(await api('/v1/tenants/demo/accounts?limit=200', { key }));
    // The first linked customer whose ERP facts (legal name, billing city and country) the view has
    // read: chosen by what it holds, since a view whose NetSuite read failed has no billing address.
    type Facts = { account: { legalName: string | null; billTo: { city: string | null; country: string | null } | null } };
    let facts: Facts | null = null;
    for (const a of list.items.filter((x) => x.links.some((l) => l.system === 'netsuite') && x.links.some((l) => l.system === 'hubspot'))) {
      const v = await json<Facts>(await api(`/v1/tenants/demo/accounts/${a.id}/view`, { key }));
      if (v.account.legalName && v.account.billTo?.city && v.account.billTo.country) {
        facts = v;
        break;
      }
    }
    expect(facts, 'a linked customer with its ERP billing address').not.toBeNull();
    const probe = { name: facts!.account.legalName!, city: facts!.account.billTo!.city!, country: facts!.account.billTo!.country!, systems: ['netsuite'] };
    expect(await json(await resolve(probe))).toMatchObject({ decision: 'match' });
    const put = await api('/v1/tenants/demo/identity/settings', { method: 'PUT', key, body: JSON.stringify({ matchAt: 0.95, reviewAt: 0.5 }) });
    expect(put.status).toBe(200);
    expect(await json(await api('/v1/tenants/demo/identity/settings', { key }))).toMatchObject({ matchAt: 0.95, reviewAt: 0.5, isDefault: false });
    expect(await json(await resolve(probe))).toMatchObject({ decision: 'review' });
    const audit = await json<{ items: { action: string }[] }>(await api('/v1/tenants/demo/audit?entityType=identity_settings', { key }));
    expect(audit.items[0]!.action).toBe('identity.settings.update');
    await api('/v1/tenants/demo/identity/settings', { method: 'PUT', key, body: JSON.stringify({ matchAt: 0.8, reviewAt: 0.45 }) });
  });
});
