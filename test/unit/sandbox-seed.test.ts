/**
 * The seed generator: deterministic for (tenant, anchorDate, scale), big enough, and messy in the
 * ways the broker must cope with, hard identity cases included — while every CRM+ERP pair keeps
 * some evidence a scorer can find.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant, scaleFromEnv } from '../../sandbox/seed/generate.js';
import type { TenantDataset, TruthCustomer } from '../../sandbox/seed/types.js';

const ANCHOR = '2026-11-26';
const demo = generateTenant('demo', ANCHOR);
const other = generateTenant('other', ANCHOR);

// Written independently of the generator's helper, from the agreed rule.
function normalize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .split(/\s+/)
    .filter((w) => w && !['inc', 'llc', 'ltd', 'limited', 'gmbh', 'ag', 'corp', 'co', 'sa', 'sas', 'sarl', 'sl', 'slu', 'bv', 'nv', 'plc', 'the', 'company'].includes(w))
    .join(' ');
}
function domainOf(u: string | null | undefined): string | null {
  if (!u) return null;
  const host = u.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').split('/')[0]!;
  return host || null;
}
/** A tax number without separators and country prefix ("DE 123.456.789" -> "123456789"). */
function taxNumber(t: string | null | undefined): string | null {
  if (!t) return null;
  return t.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/^(DE|GB|FR|NL|ES)/, '').replace(/RT\d{4}$/, '');
}
const hasTrait = (t: TruthCustomer, trait: string) => t.traits.includes(trait);
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
    // A registered legal form of the customer's country ("Inc.", "GmbH", "Ltd", "S.A.S.", "B.V.", ...).
    const differentSpelling = demo.netsuite.customer.filter((c) => /\b(Inc|GmbH|AG|Ltd|Limited|LLC|Corp|Company|SAS|SA|SARL|BV|NV|SL|SLU|plc)\.?$/i.test(c.companyname.replace(/\./g, '')));
    expect(differentSpelling.length / demo.netsuite.customer.length).toBeGreaterThan(0.9);
    const withExternal = demo.netsuite.customer.filter((c) => c.externalid?.startsWith('hs-')).length / demo.netsuite.customer.length;
    expect(withExternal).toBeGreaterThan(0.08);
    expect(withExternal).toBeLessThan(0.25);
    expect(demo.netsuite.customer.every((c) => c.entityid.startsWith('CUST-'))).toBe(true);
  });

  it('keeps evidence besides the name for every CRM+ERP pair: externalid, domain, tax id or the exact name', () => {
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
          (taxNumber(h.properties.vat_number) !== null && taxNumber(h.properties.vat_number) === taxNumber(n.vatregnumber)) ||
          normalize(h.properties.name!) === normalize(n.companyname)
        );
      });
    });
    expect(unmatched.map((t) => t.legalName)).toEqual([]);
    // Some pairs match ONLY through externalid, domain or tax id (a name-only matcher would miss them).
    const nameOnlyMisses = pairs.filter((t) => {
      const n = ns.get(t.netsuiteCustomerIds[0]!)!;
      return !t.hubspotCompanyIds.some((id) => normalize(hs.get(id)!.properties.name!) === normalize(n.companyname));
    });
    expect(nameOnlyMisses.length).toBeGreaterThan(10);
  });

  it('contains distinct customers with near-identical names', () => {
    const names = demo.truth.map((t) => t.legalName);
    const companies = new Map(demo.hubspot.companies.map((c) => [c.id, c.properties.name!]));
    const nearPairs = demo.truth.filter((t) => hasTrait(t, 'near_miss')).map((t) => companies.get(t.hubspotCompanyIds[0]!)!);
    expect(nearPairs.length).toBeGreaterThanOrEqual(5);
    expect(nearPairs.every((n) => /(Analysis|Lab|Softworks|Network|Dynamix|Solution|Systemz|Insight)\b/i.test(n))).toBe(true);
    const domains = new Set(demo.hubspot.companies.map((c) => domainOf(c.properties.domain)).filter(Boolean));
    expect(domains.size).toBeGreaterThan(450);
    // No two distinct customers share a normalised name, except one brand's entities in several countries.
    const single = demo.truth.filter((t) => !hasTrait(t, 'brand_family')).map((t) => normalize(t.legalName));
    expect(new Set(single).size).toBe(names.length - demo.truth.filter((t) => hasTrait(t, 'brand_family')).length);
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

describe('hard identity cases', () => {
  const hs = new Map(demo.hubspot.companies.map((c) => [c.id, c]));
  const ns = new Map(demo.netsuite.customer.map((c) => [c.id, c]));
  const byTrait = (trait: string) => demo.truth.filter((t) => hasTrait(t, trait));

  it('registers one brand as separate legal entities in several countries', () => {
    const families = new Map<string, TruthCustomer[]>();
    for (const t of byTrait('brand_family')) {
      const brand = normalize(t.legalName);
      families.set(brand, [...(families.get(brand) ?? []), t]);
    }
    expect(families.size).toBeGreaterThanOrEqual(5);
    for (const members of families.values()) {
      expect(members.length).toBeGreaterThanOrEqual(2);
      expect(new Set(members.map((m) => m.country)).size).toBe(members.length);
      const customers = members.map((m) => ns.get(m.netsuiteCustomerIds[0]!)!);
      // Each entity is its own ERP customer with its own domain and tax id.
      expect(new Set(customers.map((c) => c.id)).size).toBe(members.length);
      expect(new Set(members.map((m) => domainOf(hs.get(m.hubspotCompanyIds[0]!)!.properties.domain) ?? `none-${m.key}`)).size).toBe(members.length);
      expect(new Set(customers.map((c) => taxNumber(c.vatregnumber) ?? `none-${c.id}`)).size).toBe(members.length);
    }
  });

  it('has CRM names with one typo', () => {
    const typos = byTrait('crm_typo');
    expect(typos.length).toBeGreaterThanOrEqual(15);
    for (const t of typos) {
      const name = hs.get(t.hubspotCompanyIds[0]!)!.properties.name!;
      expect(normalize(name)).not.toBe(normalize(t.legalName));
    }
  });

  it('spells CRM domains in upper case and with www.', () => {
    const domains = demo.hubspot.companies.map((c) => c.properties.domain).filter((d): d is string => !!d);
    expect(domains.some((d) => d.startsWith('www.'))).toBe(true);
    expect(domains.some((d) => d !== d.toLowerCase())).toBe(true);
  });

  it('writes tax ids with and without their country prefix', () => {
    const written = [...demo.hubspot.companies.map((c) => c.properties.vat_number), ...demo.netsuite.customer.map((c) => c.vatregnumber)].filter((v): v is string => !!v);
    expect(written.some((v) => /^(DE|GB|FR|NL|ES)\d/.test(v))).toBe(true);
    expect(written.some((v) => /^\d{9}$/.test(v))).toBe(true);
    expect(written.some((v) => /\s|\./.test(v))).toBe(true);
  });

  it('has CRM companies without their place and sister entities with a conflicting tax id', () => {
    for (const t of byTrait('crm_missing_place')) {
      const c = hs.get(t.hubspotCompanyIds[0]!)!.properties;
      expect([c.city ?? null, c.country ?? null, c.domain ?? null]).toEqual([null, null, null]);
    }
    const sisters = byTrait('sister_entity');
    expect(sisters.length).toBeGreaterThanOrEqual(3);
    for (const s of sisters) {
      const sister = ns.get(s.netsuiteCustomerIds[0]!)!;
      const parent = demo.netsuite.customer.find((c) => c !== sister && c.email?.split('@')[1] === sister.email?.split('@')[1] && c.vatregnumber);
      expect(s.hubspotCompanyIds).toEqual([]);
      if (parent) expect(taxNumber(parent.vatregnumber)).not.toBe(taxNumber(sister.vatregnumber));
    }
  });
});

describe('scale', () => {
  it('multiplies the estate, hard cases included, deterministically', () => {
    const big = generateTenant('other', ANCHOR, { scale: 3 });
    expect(big.truth).toHaveLength(other.truth.length * 3);
    expect(big.truth.filter((t) => hasTrait(t, 'brand_family')).length).toBeGreaterThanOrEqual(6);
    expect(big.truth.filter((t) => hasTrait(t, 'crm_typo')).length).toBe(6);
    expect(JSON.stringify(generateTenant('other', ANCHOR, { scale: 3 }).truth)).toBe(JSON.stringify(big.truth));
    expect(new Set(big.hubspot.companies.map((c) => c.id)).size).toBe(big.hubspot.companies.length);
  });

  it('reads SANDBOX_SCALE and refuses anything but a whole number from 1 to 100', () => {
    expect(scaleFromEnv(undefined)).toBe(1);
    expect(scaleFromEnv('100')).toBe(100);
    for (const bad of ['0', '101', '2.5', 'big']) expect(() => scaleFromEnv(bad)).toThrow(/SANDBOX_SCALE/);
    expect(() => generateTenant('demo', ANCHOR, { scale: 0 })).toThrow(/scale/);
  });
});
