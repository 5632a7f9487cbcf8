/**
 * ViewCoordinator: one Durable Object per (tenant, account) that builds the account view. A
 * build already in flight is shared by every caller that arrives meanwhile, so a burst of cold
 * requests for one account costs one upstream fetch per source. The object keeps no durable
 * state: the view itself lives in KV.
 */
import { DurableObject } from 'cloudflare:workers';
import { ConcordError, type DomainError } from '../../errors.js';
import type { AccountView } from '../../model/index.js';
import { config, type Env } from '../../env.js';
import { createLogger } from '../../ops/log.js';
import { FRESH_MS, buildAccountView } from '../../services/account-view.js';
import { serviceContext } from '../../services/context.js';

export interface BuildRequest {
  tenantId: string;
  accountId: string;
  correlationId: string;
  /** Skip the just-built copy (an explicit refresh); a build in flight is still shared. */
  refresh?: boolean;
  /**
   * A rebuild after a change in these sources (the change pipeline): a build already in flight
   * may have read them before the change, so this one waits for it and builds anew; only these
   * sources are fetched (the others' fresh answers are kept), and the KV write is done before it
   * answers, so the next request reads the new view.
   */
  refetch?: ('netsuite' | 'vitally')[];
}

/** How long a finished build answers late arrivals while its KV write settles. */
const RECENT_MS = 5_000;

/** Domain errors come back as values: exceptions thrown across RPC lose their kind. */
export type BuildResult = { ok: true; view: AccountView } | { ok: false; error: DomainError };

export class ViewCoordinator extends DurableObject<Env> {
  private inflight: Promise<BuildResult> | null = null;
  private recent: { at: number; view: AccountView } | null = null;

  /** Drops the just-built copy: the account's links or sources changed, so it is no longer true. */
  async forget(): Promise<void> {
    this.recent = null;
  }

  /** The view, built once for all concurrent callers. */
  async build(req: BuildRequest): Promise<BuildResult> {
    if (!this.inflight && !req.refresh && this.recent && Date.now() - this.recent.at < RECENT_MS) {
      return { ok: true, view: this.recent.view };
    }
    if (this.inflight && req.refetch) await this.inflight;
    if (!this.inflight) {
      const log = createLogger(config(this.env).CONCORD_LOG_LEVEL, { correlationId: req.correlationId, tenant: req.tenantId });
      const writes: Promise<unknown>[] = [];
      const waitUntil = req.refetch ? (p: Promise<unknown>) => void writes.push(p) : (p: Promise<unknown>) => this.ctx.waitUntil(p);
      const ctx = serviceContext(this.env, { tenantId: req.tenantId, correlationId: req.correlationId, log }, { maxWaitMs: req.refetch ? 30_000 : 3_000 });
      this.inflight = buildAccountView(this.env, ctx, req.accountId, waitUntil, req.refetch ? { refetch: req.refetch, freshMs: FRESH_MS } : {})
        .then(async (view): Promise<BuildResult> => {
          await Promise.all(writes);
          this.recent = { at: Date.now(), view };
          return { ok: true, view };
        })
        .catch((err: unknown): BuildResult => {
          if (err instanceof ConcordError) return { ok: false, error: err.error };
          log.error('account_view.build_crashed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
          return { ok: false, error: { kind: 'internal', message: 'account view build failed' } };
        })
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }
}
