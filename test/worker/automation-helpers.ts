/**
 * What the automation tests do against their private sandbox estate, shared so each file does not
 * carry its own copy: connect the tenant to the estate's HubSpot, NetSuite and Vitally, link a new
 * canonical account to the next unused real customer's records, save a policy and wait for the
 * re-judging it starts, run an account's change effects as the queue consumer does, set a Vitally
 * health score or change a milestone, and read back what a user sees (HubSpot tasks and properties, the account's
 * history and view).
 */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import type { Env } from '../../worker/env.js';
import { runAccountEffects } from '../../worker/flows/account-changes/consume.js';
import type { AccountView } from '../../worker/model/index.js';
import { createLogger } from '../../worker/ops/log.js';
import type { AccountState } from '../../worker/policies/account-facts/index.js';
import { loadStates, markDirtyStatement } from '../../worker/storage/account-changes.js';
import type { System } from '../../worker/storage/connections.js';
import { insertAccount, insertLink } from '../../worker/storage/identity.js';
import { api, provision, rejudged } from './helpers.js';

export interface Truth {
  key: string;
  hubspotCompanyIds: string[];
  netsuiteCustomerIds: string[];
  vitallyAccountIds: string[];
}

export interface Linked {
  id: string;
  records: Partial<Record<System, string>>;
}

const log = createLogger('error');

/** The helpers of one test file's private estate at `url` (sandbox tenant `demo`, broker tenant `tenant`). */
export function automationEstate(url: string, tenant = 'demo') {
  let key = '';
  let customers: Truth[] = [];
  let next = 0;

  async function sandboxToken(vendor: string): Promise<string> {
    const res = await fetch(`${url}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) });
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  async function hubspot<T>(path: string): Promise<T> {
    const res = await fetch(`${url}/hubspot${path}`, { headers: { authorization: `Bearer ${await sandboxToken('hubspot')}` } });
    return (await res.json()) as T;
  }

  return {
    /** The tenant's API key (set by `setup`). */
    key: () => key,
    /** The estate's customers and their records in each system (read by `setup`). */
    truth: () => customers,
    sandboxToken,

    /** Changes a Vitally task (an onboarding milestone) as Vitally's REST API does: its due date or completion. */
    async putVitallyTask(taskId: string, body: { dueDate?: string; completedAt?: string }): Promise<void> {
      const token = await sandboxToken('vitally');
      const res = await fetch(`${url}/vitally/resources/tasks/${taskId}`, { method: 'PUT', headers: { authorization: `Basic ${btoa(`${token}:`)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, await res.clone().text()).toBe(200);
    },

    /** Provisions the tenant, connects the three vendors of the estate, and reads its truth. */
    async setup(): Promise<void> {
      key = await provision(tenant);
      for (const system of ['hubspot', 'netsuite', 'vitally'] as const) {
        const token = await sandboxToken(system);
        const credentials = system === 'vitally' ? { type: 'api_key', apiKey: token } : { type: 'bearer', accessToken: token };
        const res = await api(`/v1/tenants/${tenant}/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${url}/${system}`, credentials }) });
        expect(res.ok, `connect ${system}`).toBe(true);
      }
      customers = (await (await fetch(`${url}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
    },

    /** A new canonical account linked to the next unused real customer's records in `systems`. */
    async linkedAccount(systems: System[], fits: (t: Truth) => boolean = () => true): Promise<Linked> {
      const idOf = (t: Truth, s: System) => ({ hubspot: t.hubspotCompanyIds, netsuite: t.netsuiteCustomerIds, vitally: t.vitallyAccountIds })[s as 'hubspot']?.[0];
      while (next < customers.length) {
        const t = customers[next++]!;
        if (!systems.every((s) => idOf(t, s)) || !fits(t)) continue;
        const id = `acc_${next.toString(16).padStart(32, '0')}`;
        const records = Object.fromEntries(systems.map((s) => [s, idOf(t, s)!]));
        await env.DB.batch([insertAccount(env.DB, tenant, id, t.key), ...systems.map((s) => insertLink(env.DB, tenant, id, { system: s, externalId: records[s]!, rule: 'manual', isPrimary: true }))]);
        return { id, records };
      }
      throw new Error('no customer left with records in ' + systems.join(', '));
    },

    /** Saves the policy and waits until every account was judged again under it (nothing runs behind the test's back). */
    async putPolicy(policy: unknown): Promise<void> {
      const res = await api(`/v1/tenants/${tenant}/ops/automations`, { method: 'PUT', key, body: JSON.stringify(policy) });
      expect(res.status, await res.clone().text()).toBe(200);
      await rejudged(tenant, res);
    },

    /** Runs the account's change effects as the consumer does after an ERP/CS change marked it. */
    async changeEffects(accountId: string, mark: { erp: boolean; cs: boolean }): Promise<void> {
      await markDirtyStatement(env.DB, tenant, accountId, mark).run();
      const failed = await runAccountEffects(env as unknown as Env, tenant, [accountId], `automation-test-${accountId}-${Date.now()}`, log);
      expect([...failed.values()].map(String)).toEqual([]);
    },

    /** The account's stored digest. */
    async state(accountId: string): Promise<AccountState | undefined> {
      return (await loadStates<AccountState>(env.DB, tenant, [accountId])).get(accountId)?.state;
    },

    /** A new Vitally health score (0-100 here, Vitally's 0-10 there), with its category scores when given. */
    async setHealth(vitallyId: string, score: number, categories?: Record<string, number>): Promise<void> {
      const body = { score: score / 10, ...(categories ? { categories: Object.fromEntries(Object.entries(categories).map(([k, v]) => [k, v / 10])) } : {}) };
      const res = await fetch(`${url}/__sandbox/vitally/demo/accounts/${vitallyId}/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    },

    /** Subjects of the tasks associated with a HubSpot company. */
    async companyTasks(companyId: string): Promise<string[]> {
      const assoc = await hubspot<{ results: { toObjectId: string | number }[] }>(`/crm/v4/objects/companies/${companyId}/associations/tasks`);
      const subjects: string[] = [];
      for (const r of assoc.results) subjects.push((await hubspot<{ properties: { hs_task_subject: string } }>(`/crm/v3/objects/tasks/${r.toObjectId}?properties=hs_task_subject`)).properties.hs_task_subject);
      return subjects;
    },

    async companyProperty(companyId: string, name: string): Promise<string | null> {
      return (await hubspot<{ properties: Record<string, string | null> }>(`/crm/v3/objects/companies/${companyId}?properties=${name}`)).properties[name] ?? null;
    },

    /** The account's history lines, newest first. */
    async history(accountId: string): Promise<string[]> {
      const res = await api(`/v1/tenants/${tenant}/audit?entityType=account&entityId=${accountId}`, { key });
      const body = (await res.json()) as { items: { after: { summary?: string } | null }[] };
      return body.items.map((i) => i.after?.summary).filter((s): s is string => typeof s === 'string');
    },

    /** The account's view, built now (`?refresh=1`). */
    async freshView(accountId: string): Promise<AccountView> {
      const res = await api(`/v1/tenants/${tenant}/accounts/${accountId}/view?refresh=1`, { key });
      expect(res.status).toBe(200);
      return (await res.json()) as AccountView;
    },
  };
}
