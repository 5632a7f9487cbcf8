/**
 * The seed generator: deterministic for (tenant, anchorDate), big enough, and messy in the ways
 * the broker must cope with — while every CRM+ERP pair stays matchable.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';

const ANCHOR = '2026-11-26';
const demo = generateTenant('demo', ANCHOR);
const other = generateTenant('other', ANCHOR);

// Written independently of the generator's helper, from the agreed rule.
function normalize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .split(/\s+/)
    .filter((w) => w && !['inc', 'llc', 'ltd', 'gmbh', 'corp', 'co', 'sa', 'bv', 'plc', 'the', 'company'].includes(w))
    .join(' ');
}
function domainOf(u: string | null | undefined): string | null {
  if (!u) return null;
  const host = u.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').split('/')[0]!;
  return host || null;
}
const invoices = (d: TenantDataset) => d.netsuite.transaction.filter((t) => t.type === 'CustInvc');

describe('seed determinism', () => {
  it('produces identical data for the same tenant and anchor date', () => {
    expect(JSON.stringify(generateTenant('demo', ANCHOR))).toBe(JSON.stringify(demo));
  });

  it('places dates relative to the anchor date', () => {
    const later = generateTenant('demo', '2027-03-01');
    expect(later.anchorDate).toBe('2027-03-01');
    const newest = later.netsuite.transaction.filter((t) => t.type === 'CustInvc').map((t) => t.trandate).sort().pop();
    expect(newest! <= '2027-03-01' && newest! > '2027-01-01').toBe(true);
    const active = later.netsuite.subscription.filter((s) => s.status === 'ACTIVE');
    expect(active.every((s) => s.enddate > '2027-03-01')).toBe(true);
  });

  it('rejects a malformed anchor date', () => {
    expect(() => generateTenant('demo', '2026-02-30')).toThrow(/YYYY-MM-DD/);
  });
});

describe('seed volume', () => {
  it('has the demo estate sizes the brief promises', () => {
    expect(demo.truth).toHaveLength(560);
    expect(demo.hubspot.companies.length).toBeGreaterThanOrEqual(500);
    expect(demo.hubspot.contacts.length).toBeGreaterThanOrEqual(1000);
    expect(invoices(demo).length).toBeGreaterThanOrEqual(5000);
    expect(demo.netsuite.customer.length).toBeGreaterThanOrEqual(470);
    expect(demo.vitally.accounts.length).toBeGreaterThanOrEqual(430);
    expect(demo.salesforce.Account.length).toBeGreaterThanOrEqual(140);
    expect(demo.netsuite.item.length).toBeGreaterThanOrEqual(20);
    expect(demo.netsuite.currency.map((c) => c.symbol)).toEqual(expect.arrayContaining(['USD', 'EUR', 'GBP']));
  });

  it('keeps the other tenant small, differently named, with overlapping ids', () => {
    expect(other.truth.length).toBeLessThan(60);
    const demoNames = new Set(demo.truth.map((t) => normalize(t.legalName)));
    expect(other.truth.some((t) => demoNames.has(normalize(t.legalName)))).toBe(false);
    const demoCompanyIds = new Set(demo.hubspot.companies.map((c) => c.id));
    expect(other.hubspot.companies.some((c) => demoCompanyIds.has(c.id))).toBe(true);
    const demoCustomerIds = new Set(demo.netsuite.customer.map((c) => c.id));
    expect(other.netsuite.customer.some((c) => demoCustomerIds.has(c.id))).toBe(true);
  });
});

describe('invoices', () => {
  const inv = invoices(demo);
  it('covers every status: paid, open, overdue, partial, disputed, voided', () => {
    const paid = inv.filter((t) => t.status === 'B');
    expect(paid.length).toBeGreaterThan(100);
    expect(paid.every((t) => t.foreignamountremaining === 0)).toBe(true);
    const open = inv.filter((t) => t.status === 'A');
    expect(open.some((t) => t.duedate! >= ANCHOR && t.foreignamountremaining === t.foreigntotal)).toBe(true);
    expect(open.some((t) => t.duedate! < ANCHOR && t.foreignamountremaining > 0)).toBe(true);
    expect(open.some((t) => t.foreignamountremaining > 0 && t.foreignamountremaining < t.foreigntotal)).toBe(true);
    expect(open.some((t) => t.custbody_concord_disputed === 'T')).toBe(true);
    const voided = inv.filter((t) => t.status === 'V');
    expect(voided.length).toBeGreaterThan(0);
    expect(voided.every((t) => t.foreignamountremaining === 0)).toBe(true);
  });

  it('uses amounts with cents and the customer currency on every transaction', () => {
    expect(inv.some((t) => Math.round(t.foreigntotal * 100) % 100 !== 0)).toBe(true);
    const currencyOf = new Map(demo.netsuite.customer.map((c) => [c.id, c.currency]));
    const mismatched = demo.netsuite.transaction.filter((t) => currencyOf.get(t.entity) !== t.currency);
    expect(mismatched).toEqual([]);
    expect(demo.netsuite.subscription.every((s) => currencyOf.get(s.customer) === s.currency)).toBe(true);
  });

  it('has payments applied to paid and partial invoices', () => {
    const applied = new Set(demo.netsuite.transaction.filter((t) => t.type === 'CustPymt').flatMap((t) => t.appliesTo ?? []));
    const paidOrPartial = inv.filter((t) => t.status === 'B' || (t.status === 'A' && t.foreignamountremaining < t.foreigntotal));
    expect(paidOrPartial.every((t) => applied.has(t.id))).toBe(true);
  });
});

describe('messiness', () => {
  it('has true HubSpot duplicates, often without a domain', () => {
    const dups = demo.truth.filter((t) => t.hubspotCompanyIds.length > 1);
    expect(dups.length).toBeGreaterThanOrEqual(5);
    const byId = new Map(demo.hubspot.companies.map((c) => [c.id, c]));
    for (const t of dups) {
      const names = t.hubspotCompanyIds.map((id) => normalize(byId.get(id)!.properties.name!));
      expect(new Set(names).size).toBe(1);
    }
    expect(dups.some((t) => t.hubspotCompanyIds.some((id) => !byId.get(id)!.properties.domain))).toBe(true);
  });

  it('has missing domains and websites in varied spellings', () => {
    const noDomain = demo.hubspot.companies.filter((c) => !c.properties.domain).length / demo.hubspot.companies.length;
    expect(noDomain).toBeGreaterThan(0.04);
    expect(noDomain).toBeLessThan(0.2);
    const urls = demo.netsuite.customer.map((c) => c.url);
    const noUrl = urls.filter((u) => !u).length / urls.length;
    expect(noUrl).toBeGreaterThan(0.08);
    expect(noUrl).toBeLessThan(0.25);
    expect(urls.some((u) => u?.startsWith('https://www.'))).toBe(true);
    expect(urls.some((u) => u && !u.includes('://'))).toBe(true);
    expect(urls.some((u) => u?.endsWith('/'))).toBe(true);
  });

  it('spells ERP legal names differently from the CRM and sets externalid on ~15%', () => {
    const differentSpelling = demo.netsuite.customer.filter((c) => /\b(Inc\.|GmbH|Ltd\.|LLC|The .* Company|SA|BV|plc|Corp\.)/.test(c.companyname));
    expect(differentSpelling.length / demo.netsuite.customer.length).toBeGreaterThan(0.7);
    const withExternal = demo.netsuite.customer.filter((c) => c.externalid?.startsWith('hs-')).length / demo.netsuite.customer.length;
    expect(withExternal).toBeGreaterThan(0.08);
    expect(withExternal).toBeLessThan(0.25);
    expect(demo.netsuite.customer.every((c) => c.entityid.startsWith('CUST-'))).toBe(true);
  });

  it('makes every CRM+ERP pair matchable by externalid, domain or normalised name', () => {
    const hs = new Map(demo.hubspot.companies.map((c) => [c.id, c]));
    const ns = new Map(demo.netsuite.customer.map((c) => [c.id, c]));
    const pairs = demo.truth.filter((t) => t.hubspotCompanyIds.length > 0 && t.netsuiteCustomerIds.length > 0);
    expect(pairs.length).toBeGreaterThanOrEqual(450);
    const unmatched = pairs.filter((t) => {
      const n = ns.get(t.netsuiteCustomerIds[0]!)!;
      return !t.hubspotCompanyIds.some((id) => {
        const h = hs.get(id)!;
        return (
          n.externalid === `hs-${id}` ||
          (domainOf(h.properties.domain) !== null && domainOf(h.properties.domain) === domainOf(n.url)) ||
          normalize(h.properties.name!) === normalize(n.companyname)
        );
      });
    });
    expect(unmatched.map((t) => t.legalName)).toEqual([]);
    // Some pairs match ONLY through externalid or domain (a name-only matcher would miss them).
    const nameOnlyMisses = pairs.filter((t) => {
      const n = ns.get(t.netsuiteCustomerIds[0]!)!;
      return !t.hubspotCompanyIds.some((id) => normalize(hs.get(id)!.properties.name!) === normalize(n.companyname));
    });
    expect(nameOnlyMisses.length).toBeGreaterThan(10);
  });

  it('contains distinct customers with near-identical names', () => {
    const names = demo.truth.map((t) => t.legalName);
    const nearPairs = names.filter((n) => /(Analysis|Lab|Softworks|Network|Dynamix|Solution|Systemz|Insight)$/.test(n));
    expect(nearPairs.length).toBeGreaterThanOrEqual(5);
    const domains = new Set(demo.hubspot.companies.map((c) => domainOf(c.properties.domain)).filter(Boolean));
    expect(domains.size).toBeGreaterThan(450);
    // No two distinct customers share a normalised name.
    expect(new Set(names.map(normalize)).size).toBe(names.length);
  });

  it('has ERP-only customers with no CRM company', () => {
    const erpOnly = demo.truth.filter((t) => t.hubspotCompanyIds.length === 0 && t.netsuiteCustomerIds.length > 0);
    expect(erpOnly.length).toBeGreaterThanOrEqual(10);
  });
});

describe('CRM pipelines, subscriptions and CS data', () => {
  it('has a default pipeline with closedwon and a custom numeric pipeline with one won stage', () => {
    const [def, custom] = demo.hubspot.pipelines;
    expect(def!.stages.map((s) => s.id)).toContain('closedwon');
    expect(custom!.id).toMatch(/^\d+$/);
    const won = custom!.stages.filter((s) => s.metadata.isClosed === 'true' && s.metadata.probability === '1.0');
    expect(won).toHaveLength(1);
    const stages = new Set(demo.hubspot.deals.map((d) => d.properties.dealstage));
    for (const s of ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost', won[0]!.id]) {
      expect(stages).toContain(s);
    }
  });

  it('spreads active subscription renewals over the next 400 days', () => {
    const active = demo.netsuite.subscription.filter((s) => s.status === 'ACTIVE');
    expect(active.length).toBeGreaterThan(400);
    const days = active.map((s) => (Date.parse(s.enddate) - Date.parse(ANCHOR)) / 86_400_000);
    expect(Math.min(...days)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...days)).toBeLessThanOrEqual(400);
    expect(days.filter((d) => d <= 30).length).toBeGreaterThan(5);
    expect(days.filter((d) => d > 30 && d <= 90).length).toBeGreaterThan(10);
    expect(demo.netsuite.subscription.some((s) => s.status === 'TERMINATED')).toBe(true);
  });

  it('gives Vitally accounts CRM keys (or a domain), 12 weekly scores and varied trends', () => {
    const accounts = demo.vitally.accounts;
    const keyed = accounts.filter((a) => a.externalId !== null).length / accounts.length;
    expect(keyed).toBeGreaterThan(0.8);
    expect(keyed).toBeLessThan(0.97);
    expect(accounts.filter((a) => a.externalId === null).every((a) => typeof a.traits.domain === 'string')).toBe(true);
    const hsIds = new Set(demo.hubspot.companies.map((c) => c.id));
    expect(accounts.every((a) => a.externalId === null || hsIds.has(a.externalId))).toBe(true);

    const byAccount = new Map<string, number[]>();
    for (const h of demo.vitally.healthScores) byAccount.set(h.accountId, [...(byAccount.get(h.accountId) ?? []), h.score]);
    const series = [...byAccount.values()];
    expect(series.every((s) => s.length === 12)).toBe(true);
    expect(series.some((s) => s[11]! < s[0]! - 2)).toBe(true);
    expect(series.some((s) => s[11]! > s[0]! + 2)).toBe(true);
    for (const a of accounts) if (byAccount.has(a.id)) expect(a.healthScore).toBe(byAccount.get(a.id)![11]);
    expect(demo.vitally.healthScores.every((h) => h.score >= 0 && h.score <= 10 && Math.round(h.score * 10) === h.score * 10)).toBe(true);

    const statuses = new Set(demo.vitally.projects.flatMap((p) => p.tasks.map((t) => t.status)));
    expect([...statuses].sort()).toEqual(['blocked', 'completed', 'in_progress', 'not_started']);
    expect(demo.vitally.projects.every((p) => p.tasks.length >= 4 && p.tasks.length <= 6)).toBe(true);
    const escalated = new Set(demo.vitally.conversations.map((c) => c.accountId)).size / accounts.length;
    expect(escalated).toBeGreaterThan(0.05);
    expect(escalated).toBeLessThan(0.2);
  });

  it('records Salesforce accounts with closed-won opportunities in the truth list', () => {
    const sfIds = new Set(demo.truth.flatMap((t) => t.salesforceAccountIds));
    expect(sfIds.size).toBe(demo.salesforce.Account.length);
    expect(demo.salesforce.Opportunity.some((o) => o.IsWon === true && o.StageName === 'Closed Won')).toBe(true);
    expect(demo.salesforce.Account.every((a) => /^001[A-Za-z0-9]{15}$/.test(a.Id))).toBe(true);
  });
});
