/**
 * ViewCoordinator: one Durable Object per (tenant, account) that builds the account view. A
 * build already in flight is shared by every caller that arrives meanwhile, so a burst of cold
 * requests for one account costs one upstream fetch per source, and there is never more than one
 * rebuild of an account at a time. A background revalidation is answered from the last build
 * while it is recent, and for longer when a source failed in it: a slow or failing vendor is
 * asked again after a pause, not once per stale read. The object keeps no durable state: the
 * view itself lives in KV.
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
}

/** How long a finished build answers late arrivals while its KV write settles. */
const RECENT_MS = 5_000;

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
  private inflight: Promise<BuildResult> | null = null;
  private recent: { at: number; view: AccountView; degraded: boolean } | null = null;

  /** Drops the just-built copy: the account's links or sources changed, so it is no longer true. */
  async forget(): Promise<void> {
    this.recent = null;
  }

  /** The view, built once for all concurrent callers. */
  async build(req: BuildRequest): Promise<BuildResult> {
    if (req.refetch) return this.rebuild(req, req.refetch, req.csParts);
    const mode = req.refresh ? 'refresh' : (req.mode ?? 'cold');
    if (!this.inflight && mode !== 'refresh' && this.recent) {
      const age = Date.now() - this.recent.at;
      const reusable = age < RECENT_MS || (mode === 'revalidate' && this.recent.degraded && age < FAILED_SOURCE_PAUSE_MS);
      if (reusable) return { ok: true, view: this.recent.view, degraded: this.recent.degraded };
    }
    if (!this.inflight) {
      const log = createLogger(config(this.env).CONCORD_LOG_LEVEL, { correlationId: req.correlationId, tenant: req.tenantId });
      const trace = new Trace({ authenticated: true });
      const env = tracedEnv(this.env, trace);
      const ctx = serviceContext(env, { tenantId: req.tenantId, correlationId: req.correlationId, log, trace }, { maxWaitMs: 3_000 });
      this.inflight = buildAccountView(env, ctx, req.accountId, { waitUntil: (p) => this.ctx.waitUntil(p), ...(req.noCachedView ? { noCachedView: true } : {}) })
        .then((view): BuildResult => {
          const degraded = isDegraded(view);
          this.recent = { at: Date.now(), view, degraded };
          return { ok: true, view, degraded, timing: trace.export() };
        })
        .catch((err: unknown): BuildResult => {
          if (err instanceof ConcordError) return { ok: false, error: err.error, timing: trace.export() };
          log.error('account_view.build_crashed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
          return { ok: false, error: { kind: 'internal', message: 'account view build failed' } };
        })
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }

  /** A change's rebuild: after any build in flight, fetching the changed sources, stored before it answers. */
  private async rebuild(req: BuildRequest, refetch: ('netsuite' | 'vitally')[], csParts?: CsPart[]): Promise<BuildResult> {
    while (this.inflight) await this.inflight;
    const log = createLogger(config(this.env).CONCORD_LOG_LEVEL, { correlationId: req.correlationId, tenant: req.tenantId });
    const writes: Promise<unknown>[] = [];
    const ctx = serviceContext(this.env, { tenantId: req.tenantId, correlationId: req.correlationId, log }, { maxWaitMs: 30_000 });
    const run = buildAccountView(this.env, ctx, req.accountId, { waitUntil: (p) => void writes.push(p), refetch, freshMs: FRESH_MS, ...(csParts ? { csParts } : {}) })
      .then(async (view): Promise<BuildResult> => {
        await Promise.all(writes);
        const degraded = isDegraded(view);
        this.recent = { at: Date.now(), view, degraded };
        return { ok: true, view, degraded };
      })
      .catch((err: unknown): BuildResult => {
        if (err instanceof ConcordError) return { ok: false, error: err.error };
        log.error('account_view.rebuild_crashed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        return { ok: false, error: { kind: 'internal', message: 'account view rebuild failed' } };
      })
      .finally(() => {
        if (this.inflight === run) this.inflight = null;
      });
    this.inflight = run;
    return run;
  }
}
