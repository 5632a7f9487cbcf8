/** The system-of-record matrix API behind the console's ownership editor. */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, provision } from './helpers.js';

let key: string;
beforeAll(async () => {
  key = await provision('acme');
});

type Rule = { entity: string; field: string; owner: string };
const rules = async () => ((await (await api('/v1/tenants/acme/ownership', { key })).json()) as { rules: Rule[] }).rules;

describe('ownership matrix', () => {
  it('starts from the default: billing address owned by the ERP, health by the CS platform', async () => {
    const all = await rules();
    expect(all).toContainEqual(expect.objectContaining({ entity: 'account', field: 'billTo', owner: 'erp' }));
    expect(all).toContainEqual(expect.objectContaining({ entity: 'health', field: '*', owner: 'cs' }));
  });

  it('stores a tenant override and audits it', async () => {
    const edited = (await rules()).map((r) => (r.entity === 'account' && r.field === 'billTo' ? { ...r, owner: 'crm' } : r));
    const res = await api('/v1/tenants/acme/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: edited.map(({ entity, field, owner }) => ({ entity, field, owner })) }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { override: Record<string, string> }).override).toEqual({ 'account.billTo': 'crm' });
    expect(await rules()).toContainEqual(expect.objectContaining({ entity: 'account', field: 'billTo', owner: 'crm' }));
    const audit = (await (await api('/v1/tenants/acme/audit?entityType=ownership', { key })).json()) as { items: { action: string }[] };
    expect(audit.items[0]!.action).toBe('ownership.update');
  });

  it('refuses unknown fields and owners with 422 naming the path', async () => {
    const unknownField = await api('/v1/tenants/acme/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: [{ entity: 'account', field: 'nope', owner: 'crm' }] }) });
    expect(unknownField.status).toBe(422);
    expect(JSON.stringify(await unknownField.json())).toContain('account.nope');
    const badOwner = await api('/v1/tenants/acme/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: [{ entity: 'account', field: 'billTo', owner: 'excel' }] }) });
    expect(badOwner.status).toBe(422);
    expect(((await badOwner.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('rules.0.owner');
  });
});
