/**
 * The account views every surface is tested with must be views the broker can give: the saved
 * broker answers the widget browser tests are served (test/fixtures/concord/), the HubSpot card's
 * fixtures and the Salesforce LWC's. Each passes the broker's own AccountViewSchema, its section
 * states agree with its freshness stamps, its risk is the one the broker's assessment gives for
 * its sections and its finance hold the one the broker's policy gives for its receivables (and
 * the risk labels of each surface know every canonical reason).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as card from '../../extensions/hubspot/test/fixtures/account-view.js';
import { RISK_REASONS } from '../../extensions/hubspot/src/app/cards/lib/format.js';
// @ts-expect-error the LWC's plain-JS module has no type declarations
import { REASON_LABELS } from '../../extensions/salesforce/force-app/main/default/lwc/concordAccountReview/format.js';
import { AccountViewSchema, RiskReasonSchema, SOURCE_SECTIONS, assessRenewalRisk, sectionData, type AccountView } from '../../worker/model/index.js';
import { financeHoldOf } from '../../worker/policies/automations/index.js';
import { views } from '../fixtures/concord/index.js';

const lwcData = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../extensions/salesforce/force-app/main/default/lwc/concordAccountReview/__tests__/data/${file}`, import.meta.url), 'utf8')) as unknown;

const ALL = {
  ...Object.fromEntries(Object.entries(views).map(([k, v]) => [`concord/${k}`, v])),
  'hubspot card/acme': card.acmeView(),
  'hubspot card/vitally down': card.acmeViewVitallyDown(),
  'hubspot card/vitally stale': card.acmeViewVitallyStale(),
  'hubspot card/ember': card.emberViewNothingYet(),
  'hubspot card/birchwood': card.birchViewNotInVitally(),
  'hubspot card/acme on finance hold': card.acmeViewOnFinanceHold(),
  'hubspot card/acme on renewal hold': card.acmeViewOnRenewalHold(),
  'salesforce lwc/acme': lwcData('accountView.json'),
  'salesforce lwc/cobalt on finance hold': lwcData('accountViewFinanceHold.json'),
  'salesforce lwc/acme on renewal hold': lwcData('accountViewRenewalHold.json'),
};

const TODAY = '2026-11-26';

describe.each(Object.entries(ALL))('view fixture %s', (_name, raw) => {
  const parsed = AccountViewSchema.safeParse(raw);

  it('is a valid v3 AccountView', () => {
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("agrees with its freshness stamps: a failed source's sections are stale or unavailable, a fresh source's are not", () => {
    const view = parsed.data as AccountView;
    for (const key of SOURCE_SECTIONS) {
      const owner = view.owners[key];
      const section = view[key];
      if (!owner) {
        expect(section.state, key).toBe('not_linked');
        continue;
      }
      const f = view.freshness[owner]!;
      if (f.status === 'fresh') expect(['ok', 'none'], key).toContain(section.state);
      if (f.status === 'error') expect(section, key).toEqual({ state: 'unavailable', error: f.error });
      if (f.status === 'stale' && section.state === 'stale') {
        expect(section.ageSeconds, key).toBe(f.ageSeconds);
        expect(section.error, key).toBe(f.error);
      }
    }
  });

  it('carries the risk the broker assesses from its sections', () => {
    const view = parsed.data as AccountView;
    const risk = assessRenewalRisk(
      { receivables: sectionData(view.receivables), contract: sectionData(view.contract), health: sectionData(view.health), escalations: sectionData(view.escalations) ?? [] },
      TODAY,
    );
    expect(view.risk).toEqual(risk);
  });

  it('carries the finance hold the broker\'s policy gives for its receivables', () => {
    const view = parsed.data as AccountView;
    expect(view.financeHold).toEqual(financeHoldOf(sectionData(view.receivables)));
  });
});

describe('finance hold fixtures', () => {
  it('each surface is tested with a view on hold and a view that is not', () => {
    const holds = (views: unknown[]) => views.map((v) => (v as AccountView).financeHold?.onHold);
    expect(holds(Object.values(views))).toEqual(expect.arrayContaining([true, false]));
    expect(holds([card.acmeView(), card.acmeViewOnFinanceHold()])).toEqual([false, true]);
    expect(holds([lwcData('accountView.json'), lwcData('accountViewFinanceHold.json')])).toEqual([false, true]);
  });
});

describe('renewal hold fixtures', () => {
  it('each surface is tested with a view on renewal hold, and the broker\'s saved one is what the LWC reads', () => {
    const holds = (views: unknown[]) => views.map((v) => (v as AccountView).renewalHold?.onHold ?? null);
    expect(holds([card.acmeView(), card.acmeViewOnRenewalHold()])).toEqual([null, true]);
    expect(holds([lwcData('accountView.json'), lwcData('accountViewRenewalHold.json')])).toEqual([null, true]);
    expect(lwcData('accountViewRenewalHold.json')).toEqual(views.renewalHold);
  });

  it.each(Object.entries(ALL).filter(([, v]) => (v as AccountView).renewalHold?.onHold))('%s: the held milestone is stalled in its onboarding section', (_name, raw) => {
    const view = AccountViewSchema.parse(raw);
    const hold = view.renewalHold!;
    const milestone = sectionData(view.onboarding)?.milestones.find((m) => m.name === hold.milestone);
    expect(milestone).toBeDefined();
    if (hold.reason === 'blocked') expect(milestone!.status).toBe('blocked');
    expect(milestone!.completedAt).toBeNull();
    expect(Date.parse(hold.since!)).toBeLessThanOrEqual(Date.parse(`${TODAY}T23:59:59Z`));
  });
});

describe('risk labels', () => {
  it('the HubSpot card and the Salesforce LWC label exactly the canonical reason codes', () => {
    expect(Object.keys(RISK_REASONS).sort()).toEqual([...RiskReasonSchema.options].sort());
    expect(Object.keys(REASON_LABELS as Record<string, string>).sort()).toEqual([...RiskReasonSchema.options].sort());
  });
});
