/**
 * When a build gives its held permits back (services/account-view-sources.ts): concurrency slots
 * that other callers wait for (NetSuite) go back the moment the read ends; held window permits
 * (Vitally) only report their use, and that report waits until the build has been answered, so
 * it does not compete with the answer (docs/performance.md, "Cold with the ERP normal").
 */
import { describe, expect, it } from 'vitest';
import { localGate } from '../../worker/connectors/limits/gate.js';
import { policyFor } from '../../worker/connectors/limits/policy.js';
import { createLogger } from '../../worker/ops/log.js';
import { openSource, readCs, readErp, type Background } from '../../worker/services/account-view-sources.js';
import type { CsPort, ErpPort } from '../../worker/ports/index.js';
import type { ServiceContext } from '../../worker/services/context.js';

/** A context whose limiter for `system` counts its reports (observe round trips). */
function counted(system: 'netsuite' | 'vitally') {
  const { gate, limiter } = localGate(policyFor(system), { system, sleep: async () => {} });
  const reports = { n: 0 };
  const observe = limiter.observe.bind(limiter);
  limiter.observe = async (o) => ((reports.n += 1), observe(o));
  const ctx: ServiceContext = { tenantId: 't', correlationId: 'c', log: createLogger('error'), limits: (s) => (s === system ? gate : undefined) };
  return { ctx, reports, gate };
}

/** A build's background: `answer()` says the caller has the view. */
function background() {
  const kept: Promise<unknown>[] = [];
  let answer!: () => void;
  const answered = new Promise<void>((r) => (answer = r));
  return { bg: { waitUntil: (p) => void kept.push(p), answered } satisfies Background, kept, answer };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe("a build's held permits", () => {
  it('report a window vendor (Vitally) only after the view has been answered', async () => {
    const { ctx, reports } = counted('vitally');
    const port = { system: 'vitally' as const, snapshotCalls: 4, accountSnapshot: async () => ({ health: null, onboarding: null, escalations: [] }) } as unknown as CsPort & { system: 'vitally' };
    const { bg, kept, answer } = background();
    const source = openSource<CsPort>(ctx, Promise.resolve(port));
    await readCs(source, 'acc', bg);
    await tick();
    expect(reports.n).toBe(0);
    answer();
    await Promise.all(kept);
    expect(reports.n).toBe(1);
  });

  it('give a NetSuite slot back the moment the read ends, answered or not', async () => {
    const { ctx, reports, gate } = counted('netsuite');
    const port = {
      system: 'netsuite' as const,
      accountSnapshot: async () => ({ facts: { currency: 'USD' }, invoices: [], contract: null }),
    } as unknown as ErpPort & { system: 'netsuite' };
    expect(gate.holdsSlots).toBe(true);
    const { bg, kept } = background();
    const source = openSource<ErpPort>(ctx, Promise.resolve(port));
    await readErp(source, 'cust', '2026-12-04', bg);
    // Never answered: the slot goes back all the same.
    await Promise.all(kept);
    expect(reports.n).toBe(1);
  });
});
