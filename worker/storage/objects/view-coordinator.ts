/**
 * ViewCoordinator: builds account views, one build at a time per account. A build already in
 * flight is shared by every caller that arrives meanwhile, so a burst of cold requests for one
 * account costs one upstream fetch per source, and there is never more than one rebuild of an
 * account at a time. A background revalidation is answered from the last build while it is
 * recent, and for longer when a source failed in it: a slow or failing vendor is asked again
 * after a pause, not once per stale read. The object keeps no durable state: the view itself
 * lives in KV.
 *
 * One object serves a shard of a tenant's accounts (`coordinatorFor`, view-shards.ts), not one
 * account: a cold view is of an account nobody asked for lately, so an object per account had to
 * be created for it on the cold path (docs/performance.md: the hop to a new object cost p50 6 ms,
 * p95 17 ms, against 1 / 7 ms to one already running). A tenant's shards stay running while its
 * cards are opened. Everything kept is per account inside the object (decision 56).
 */
import { DurableObject } from 'cloudflare:workers';
import { ConcordError, type DomainError } from '../../errors.js';
import type { AccountView } from '../../model/index.js';
import type { CsPart } from '../../model/changes.js';
import { config, type Env } from '../../env.js';
import { createLogger } from '../../ops/log.js';
import { Trace, type TraceExport } from '../../ops/trace.js';
import { tracedEnv } from '../../ops/traced-env.js';
import { buildAccountView } from '../../services/account-view.js';
import type { SourceIds } from '../../services/account-view-build.js';
import { FAILED_SOURCE_PAUSE_MS, FRESH_MS } from '../../services/account-view-hot.js';
import { serviceContext } from '../../services/context.js';

export interface BuildRequest {
  tenantId: string;
  accountId: string;
  correlationId: string;
  /**
   * `cold`: nobody has a view to show (a recent build is reused); `refresh`: an explicit refresh
   * (a build in flight is still shared); `revalidate`: a stale view was served and this runs in
   * the background (the last build is reused while recent, longer when a source failed in it).
   */
  mode?: 'cold' | 'refresh' | 'revalidate';
  /** Skip the just-built copy; the same as `mode: 'refresh'` (older callers). */
  refresh?: boolean;
  /** The caller just found no view in KV, so the build need not read one back. */
  noCachedView?: boolean;
  /**
   * A rebuild after a change in these sources (the change pipeline, worker/flows/account-changes):
   * a build already in flight may have read them before the change, so this one waits for it and
   * builds anew; only these sources are fetched (the others' fresh answers are kept), and the KV
   * write is done before it answers, so the next request reads the new view.
   */
  refetch?: ('netsuite' | 'vitally')[];
  /** With `refetch`: the parts of the CS data that changed (buildAccountView `csParts`). */
  csParts?: CsPart[];
  /** The account's ERP and CS record ids as the caller read them with its link (buildAccountView `sourceIds`). */
  sourceIds?: SourceIds;
}

/** How long a finished build answers late arrivals while its KV write settles. */
const RECENT_MS = 5_000;

/** What a finished build leaves for late arrivals. */
interface Recent {
  at: number;
  view: AccountView;
  degraded: boolean;
}

/**
 * Domain errors come back as values: exceptions thrown across RPC lose their kind. `timing` is
 * the build's trace (ops/trace.ts) for the caller's Server-Timing; `degraded` says a source failed.
 */
export type BuildResult = { ok: true; view: AccountView; degraded: boolean; timing?: TraceExport } | { ok: false; error: DomainError; timing?: TraceExport };

/** A view with any source whose latest attempt failed. */
function isDegraded(view: AccountView): boolean {
  return Object.values(view.freshness).some((f) => f?.error !== undefined);
}

export class ViewCoordinator extends DurableObject<Env> {
  /** Builds in flight and the last finished build, per `<tenant>:<account>`. */
  private readonly inflight = new Map<string, Promise<BuildResult>>();
  private readonly recent = new Map<string, Recent>();

  /** Drops an account's just-built copy: its links or sources changed, so it is no longer true. */
  async forget(tenantId: string, accountId: string): Promise<void> {
    this.recent.delete(`${tenantId}:${accountId}`);
  }

  /** A finished build, kept while a caller could still be answered from it. */
  private keep(key: string, recent: Recent): void {
    this.recent.set(key, recent);
    if (this.recent.size <= 256) return;
    const oldest = Date.now() - Math.max(RECENT_MS, FAILED_SOURCE_PAUSE_MS);
    for (const [k, r] of this.recent) if (r.at < oldest) this.recent.delete(k);
  }

  /** The view, built once for all concurrent callers. */
  async build(req: BuildRequest): Promise<BuildResult> {
    if (req.refetch) return this.rebuild(req, req.refetch, req.csParts);
    const key = `${req.tenantId}:${req.accountId}`;
    const mode = req.refresh ? 'refresh' : (req.mode ?? 'cold');
    const inflight = this.inflight.get(key);
    if (inflight) return inflight;
    const recent = this.recent.get(key);
    if (mode !== 'refresh' && recent) {
      const age = Date.now() - recent.at;
      const reusable = age < RECENT_MS || (mode === 'revalidate' && recent.degraded && age < FAILED_SOURCE_PAUSE_MS);
      if (reusable) return { ok: true, view: recent.view, degraded: recent.degraded };
    }
    const log = createLogger(config(this.env).CONCORD_LOG_LEVEL, { correlationId: req.correlationId, tenant: req.tenantId });
    const trace = new Trace({ authenticated: true });
    const env = tracedEnv(this.env, trace);
    const ctx = serviceContext(env, { tenantId: req.tenantId, correlationId: req.correlationId, log, trace }, { maxWaitMs: 3_000 });
    // The KV write and the limiter's usage reports wait until this answer has gone out (see afterAnswer).
    const answered = afterAnswer();
    const run = trace
      .span('build', () => buildAccountView(env, ctx, req.accountId, { waitUntil: (p) => this.ctx.waitUntil(p), answered: answered.promise, ...(req.noCachedView ? { noCachedView: true } : {}), ...(req.sourceIds ? { sourceIds: req.sourceIds } : {}) }))
      .then((view): BuildResult => {
        const degraded = isDegraded(view);
        this.keep(key, { at: Date.now(), view, degraded });
        return { ok: true, view, degraded, timing: trace.export() };
      })
      .catch((err: unknown): BuildResult => {
        if (err instanceof ConcordError) return { ok: false, error: err.error, timing: trace.export() };
        log.error('account_view.build_crashed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        return { ok: false, error: { kind: 'internal', message: 'account view build failed' } };
      })
      .finally(() => {
        if (this.inflight.get(key) === run) this.inflight.delete(key);
        answered.settle();
      });
    this.inflight.set(key, run);
    return run;
  }

  /** A change's rebuild: after any build of the account in flight, fetching the changed sources, stored before it answers. */
  private async rebuild(req: BuildRequest, refetch: ('netsuite' | 'vitally')[], csParts?: CsPart[]): Promise<BuildResult> {
    const key = `${req.tenantId}:${req.accountId}`;
    for (let running = this.inflight.get(key); running; running = this.inflight.get(key)) await running;
    const log = createLogger(config(this.env).CONCORD_LOG_LEVEL, { correlationId: req.correlationId, tenant: req.tenantId });
    const writes: Promise<unknown>[] = [];
    const ctx = serviceContext(this.env, { tenantId: req.tenantId, correlationId: req.correlationId, log }, { maxWaitMs: 30_000 });
    const run = buildAccountView(this.env, ctx, req.accountId, { waitUntil: (p) => void writes.push(p), refetch, freshMs: FRESH_MS, ...(csParts ? { csParts } : {}) })
      .then(async (view): Promise<BuildResult> => {
        await Promise.all(writes);
        const degraded = isDegraded(view);
        this.keep(key, { at: Date.now(), view, degraded });
        return { ok: true, view, degraded };
      })
      .catch((err: unknown): BuildResult => {
        if (err instanceof ConcordError) return { ok: false, error: err.error };
        log.error('account_view.rebuild_crashed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        return { ok: false, error: { kind: 'internal', message: 'account view rebuild failed' } };
      })
      .finally(() => {
        if (this.inflight.get(key) === run) this.inflight.delete(key);
      });
    this.inflight.set(key, run);
    return run;
  }
}

/**
 * A signal for work that must not compete with a build's answer: settled when the build ends, it
 * resolves on a later turn of the event loop, once the answer has been handed to the caller.
 */
function afterAnswer(): { promise: Promise<void>; settle(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, settle: () => void setTimeout(resolve, 0) };
}
