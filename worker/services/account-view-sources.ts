/**
 * Reading one source for the account view. A source is opened as soon as the build starts,
 * alongside the account read: its port (connection and token) is resolved and its limiter
 * permits are taken once for all the calls the read will make (one round trip to the RateLimiter,
 * not one per call), so the calls can start the moment the account says which record to read.
 * When the account turns out not to be linked to the source, the permits go back unused. The
 * permits' answers go back to the limiter in one round trip after the read, off the critical path.
 */
import type { CsPart } from '../model/changes.js';
import { healthTrend, summarizeReceivables, daysBetween } from '../model/index.js';
import type { CsPort, ErpAccountSnapshot, ErpPort } from '../ports/index.js';
import type { System } from '../storage/connections.js';
import type { SourceSections } from './account-view-cache.js';
import type { ServiceContext } from './context.js';

type Port<P> = P & { readonly system: System };

/** A source being opened: its port, and its permits held (or the reason they could not be). */
export interface OpenSource<P> {
  port: Promise<Port<P>>;
  permits: Promise<void>;
  /** Give the permits back (the read is done, or the account is not linked to this source). */
  close(background: Background): void;
}

/**
 * A build's work after its reads: `waitUntil` keeps it alive past the answer
 * (ExecutionContext.waitUntil); `answered` resolves once the caller has the view, so work it does
 * not need (the KV write, the limiter's usage reports) does not compete with the answer.
 */
export interface Background {
  waitUntil(p: Promise<unknown>): void;
  answered: Promise<void>;
}

/** Calls the view's read of a port makes at once (its snapshot's, or the separate reads'). */
function callsOf(port: { accountSnapshot?: unknown; snapshotCalls?: number }): number {
  return port.accountSnapshot ? (port.snapshotCalls ?? 1) : 3;
}

/** Start resolving `port` and holding its permits now. Without a limiter (tests, Node tools) only the port. */
export function openSource<P extends { accountSnapshot?: unknown; snapshotCalls?: number }>(ctx: ServiceContext, port: Promise<Port<P>>): OpenSource<P> {
  let system: System | undefined;
  const permits = port.then(async (p) => {
    system = p.system;
    const gate = ctx.limits?.(p.system);
    if (!gate?.hold) return;
    const calls = callsOf(p);
    const hold = () => gate.hold!(calls);
    await (ctx.trace ? ctx.trace.span(`permits-${p.system}`, hold, `${calls} held`) : hold());
  });
  // Handled where it matters (the read awaits it); an unlinked source's failure is nobody's concern.
  permits.catch(() => {});
  port.catch(() => {});
  return {
    port,
    permits,
    close(background) {
      // After the permits settle (the port, and so the system, is known by then); nothing to
      // give back when they were never granted. Slots others wait for go back at once; held
      // window permits only report their use, which waits until the view has been answered.
      const release = () => (system ? ctx.limits?.(system) : undefined)?.release?.().catch((err: unknown) => ctx.log.warn('limits.release_failed', { system, error: err instanceof Error ? err.message : String(err) }));
      const released = permits.then(
        () => ((system ? ctx.limits?.(system) : undefined)?.holdsSlots ? release() : background.answered.then(release)),
        () => undefined,
      );
      background.waitUntil(released);
    },
  };
}

/** Run `read` under the source's held permits, then give them back in the background. */
async function underPermits<P, T>(source: OpenSource<P>, background: Background, read: (port: Port<P>) => Promise<T>): Promise<T> {
  const port = await source.port;
  await source.permits;
  try {
    return await read(port);
  } finally {
    source.close(background);
  }
}

/** ERP sections of the view: the snapshot in one call where the ERP can, else its three reads. */
export function readErp(source: OpenSource<ErpPort>, customerId: string, today: string, background: Background): Promise<SourceSections['netsuite']> {
  return underPermits(source, background, async (erp) => {
    let snapshot: ErpAccountSnapshot;
    if (erp.accountSnapshot) snapshot = await erp.accountSnapshot(customerId, today);
    else {
      const [facts, invoices, contract] = await Promise.all([erp.accountFacts(customerId), erp.openInvoices(customerId), erp.currentContract(customerId, today)]);
      snapshot = { facts, invoices, contract };
    }
    const { facts, invoices, contract } = snapshot;
    const currency = facts.currency ?? invoices[0]?.currency ?? contract?.currency;
    return {
      facts,
      receivables: currency ? summarizeReceivables(invoices, today, currency) : summarizeReceivables(invoices, today),
      contract: contract ? { ...contract, daysToRenewal: daysBetween(today, contract.renewalDate) } : null,
    };
  });
}

/**
 * CS sections of the view; with `partial`, only the parts a change named are read again and the
 * others are taken from `partial.previous` (the view's last answer, which the caller checked is fresh).
 */
export function readCs(
  source: OpenSource<CsPort>,
  accountId: string,
  background: Background,
  partial?: { parts: readonly CsPart[]; previous: SourceSections['vitally'] },
): Promise<SourceSections['vitally']> {
  return underPermits(source, background, async (cs) => {
    if (partial) {
      const wants = (p: CsPart) => partial.parts.includes(p);
      const [health, onboarding, escalations] = await Promise.all([
        wants('health') ? cs.health(accountId).then((h) => (h ? { ...h, trend: healthTrend(h.history) } : null)) : partial.previous.health,
        wants('onboarding') ? cs.onboarding(accountId) : partial.previous.onboarding,
        wants('escalations') ? cs.escalations(accountId).then((e) => (e.length > 0 ? e : null)) : partial.previous.escalations,
      ]);
      return { health, onboarding, escalations, webApp: cs.webAppUrl?.() ?? null };
    }
    const { health, onboarding, escalations } = cs.accountSnapshot
      ? await cs.accountSnapshot(accountId)
      : await Promise.all([cs.health(accountId), cs.onboarding(accountId), cs.escalations(accountId)]).then(([h, o, e]) => ({ health: h, onboarding: o, escalations: e }));
    return {
      health: health ? { ...health, trend: healthTrend(health.history) } : null,
      onboarding,
      escalations: escalations.length > 0 ? escalations : null,
      webApp: cs.webAppUrl?.() ?? null,
    };
  });
}
