/**
 * The installed Concord package (extensions/salesforce), emulated inside the sandbox org: when an
 * Opportunity's IsWon goes from false to true through the REST API (single update, sObject
 * Collections, Composite), the `ConcordClosedWon` trigger queues `ConcordClosedWonCallout`, which
 * posts to `<broker url>/v1/webhooks/salesforce/closed-won`:
 *   body    {"opportunityId","accountId","amount","closeDate","currency","idempotencyKey"}, keys in
 *           that order, amount with the currency field's two decimals, idempotency key
 *           `sf:<org id>:opp:<opportunity id>:closedwon` (ConcordClosedWonCallout.payload)
 *   headers X-Concord-Org-Id, X-Concord-Timestamp (epoch ms), X-Concord-Signature =
 *           base64(HMAC-SHA256(secret, "POST\n" + pathWithQuery + "\n" + timestamp + "\n" + body))
 *           (ConcordSignature.stringToSign; verified by worker/http/middleware/signature-verify.ts)
 * As the Queueable does, the Opportunity is read when the job runs (not when it was won) and one
 * that is no longer won is skipped; a failure that is not a permanent refusal (400, 401, 403, 409,
 * 410, 413, 415, 422) is retried with the job's exponential backoff — minutes in Apex, scaled to
 * `retryBaseMs` here — up to `maxAttempts`. An insert that is already won does not fire (the
 * trigger is after update); the hourly `ConcordClosedWonSweep` is emulated by `sweep()`.
 * Fault knobs (POST /__sandbox/faults, salesforce): `salesforceCalloutDuplicateRate` sends a callout
 * again later (same idempotency key), `salesforceCalloutReorder` shuffles and holds some back.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { SandboxFaults } from '../../core/faults.js';
import { appendBounded, KnobRandom, OutboundQueue, type AttemptOutcome } from '../../core/outbound-queue.js';
import { postOnce } from '../../core/outbound.js';
import type { SandboxState } from '../../core/state.js';
import { SANDBOX_TENANTS, type SalesforceRecord, type SandboxTenant } from '../../seed/types.js';
import { onRecordChange, type RecordChange } from '../changes.js';
import { allRecords, findRecord } from '../store.js';

/** The route the package posts to (ConcordClient.CLOSED_WON_PATH). */
export const CLOSED_WON_PATH = '/v1/webhooks/salesforce/closed-won';
/** Answers the package treats as a permanent refusal (ConcordException.isPermanentRefusal). */
export const PERMANENT_REFUSALS: ReadonlySet<number> = new Set([400, 401, 403, 409, 410, 413, 415, 422]);
/** Attempts per Opportunity in the package (ConcordClosedWonCallout.MAX_ATTEMPTS). */
export const APEX_MAX_ATTEMPTS = 8;

/** Body of `PUT /__sandbox/salesforce/package`: where the org's Named Credential points, and the secret. */
export const packageConfigSchema = z
  .object({
    tenant: z.enum(['demo', 'other']),
    /** The Named Credential's URL: the broker's origin (a path prefix is allowed and signed). */
    url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'http(s) URL'),
    /** The External Credential's SigningSecret. */
    secret: z.string().min(16),
    maxAttempts: z.number().int().min(1).max(20).default(APEX_MAX_ATTEMPTS),
    /** "One minute" of the Apex backoff: retry n waits min(retryBaseMs * 2^(n-1), maxRetryDelayMs). */
    retryBaseMs: z.number().int().min(1).max(600_000).default(1_000),
    /** Queueable delays stop at 10 minutes. */
    maxRetryDelayMs: z.number().int().min(1).max(3_600_000).default(10_000),
    /** Apex gives a callout up to ConcordClient.TIMEOUT_MS (20 s). */
    timeoutMs: z.number().int().min(50).max(120_000).default(20_000),
    /** Time between the commit and the queued job running. */
    batchDelayMs: z.number().int().min(0).max(600_000).default(50),
    /** Jobs running at once. */
    concurrency: z.number().int().min(1).max(50).default(4),
  })
  .strict();
export type PackageConfig = z.infer<typeof packageConfigSchema>;

/** A queued callout: one Opportunity (the job reads it when it runs). */
interface Job {
  opportunityId: string;
  /** Queued by the sweep rather than the trigger. */
  swept?: boolean;
}

/** One callout attempt as `GET /__sandbox/salesforce/package` lists it (never the secret). */
export interface CalloutRecord {
  at: string;
  opportunityId: string;
  /** Attempt number as the Apex job counts it (1 = first). */
  attempt: number;
  status: number | null;
  ok: boolean;
  error?: string;
  /** Not sent: the Opportunity was no longer won when the job ran. */
  skipped?: string;
  idempotencyKey?: string;
  via: 'trigger' | 'sweep';
}

interface Installed {
  config: PackageConfig;
  queue: OutboundQueue<Job, Job>;
  callouts: CalloutRecord[];
}

const KEEP = 2_000;

/** The exact JSON ConcordClosedWonCallout.payload writes for an Opportunity. */
export function closedWonBody(orgId: string, opp: SalesforceRecord): string {
  const str = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : 'null');
  const amount = typeof opp.Amount === 'number' ? opp.Amount.toFixed(2) : 'null';
  const currency = typeof opp.CurrencyIsoCode === 'string' ? opp.CurrencyIsoCode : 'USD';
  return `{"opportunityId":${JSON.stringify(opp.Id)},"accountId":${str(opp.AccountId)},"amount":${amount},"closeDate":${str(opp.CloseDate)},"currency":${JSON.stringify(currency)},"idempotencyKey":${JSON.stringify(`sf:${orgId}:opp:${opp.Id}:closedwon`)}}`;
}

/** `X-Concord-Signature` for a POST of `body` to `pathWithQuery` at `timestamp`. */
export function concordSignature(secret: string, pathWithQuery: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`POST\n${pathWithQuery}\n${timestamp}\n${body}`).digest('base64');
}

/** The package's callouts for every tenant of one sandbox. */
export class PackageCallouts {
  private readonly installed = new Map<SandboxTenant, Installed>();
  private readonly random = new KnobRandom('salesforce-callouts');

  constructor(private readonly state: SandboxState) {
    onRecordChange((change) => this.onChange(change));
  }

  configure(config: PackageConfig): void {
    const previous = this.installed.get(config.tenant);
    previous?.queue.stop();
    let installed: Installed;
    const queue = new OutboundQueue<Job, Job>({
      settings: () => config,
      knobs: () => {
        const f = this.state.faults.salesforce;
        return { duplicateRate: f?.salesforceCalloutDuplicateRate ?? 0, reorder: f?.salesforceCalloutReorder ?? false };
      },
      random: () => this.random.for(this.state.faults.salesforce as SandboxFaults | undefined),
      units: (items) => items.map((q) => q.item),
      send: (job, attempt) => this.send(installed, job, attempt),
      alive: () => this.installed.get(config.tenant) === installed,
    });
    installed = { config, queue, callouts: previous?.callouts ?? [] };
    this.installed.set(config.tenant, installed);
    if (previous && previous.queue.pending.length > 0) queue.push(...previous.queue.pending.splice(0));
  }

  remove(tenant: SandboxTenant): boolean {
    this.installed.get(tenant)?.queue.stop();
    return this.installed.delete(tenant);
  }

  view(tenant: SandboxTenant): { config: Omit<PackageConfig, 'secret'>; pending: number; callouts: CalloutRecord[] } | null {
    const i = this.installed.get(tenant);
    if (!i) return null;
    // The signing secret is write-only, as in the External Credential.
    const { secret: _secret, ...config } = i.config;
    return { config, pending: i.queue.pending.length, callouts: i.callouts };
  }

  /** The trigger: an Opportunity update that makes IsWon true queues one callout. */
  private onChange(change: RecordChange): void {
    if (change.type !== 'Opportunity' || !change.before || change.before.IsWon === true || change.record.IsWon !== true) return;
    const tenant = SANDBOX_TENANTS.find((t) => allRecords(this.state.dataset(t).salesforce, 'Opportunity').includes(change.record));
    const installed = tenant ? this.installed.get(tenant) : undefined;
    installed?.queue.push({ item: { opportunityId: change.record.Id } });
  }

  /**
   * The ConcordClosedWonSweep safety net: won Opportunities modified within `lookbackDays` that
   * Concord has not acknowledged (Concord_Order_Status__c empty) are queued again. Returns their ids.
   */
  sweep(tenant: SandboxTenant, lookbackDays: number, now = Date.now()): string[] {
    const installed = this.installed.get(tenant);
    if (!installed) return [];
    const since = now - lookbackDays * 86_400_000;
    const due = allRecords(this.state.dataset(tenant).salesforce, 'Opportunity').filter((o) => {
      const modified = Date.parse(String(o.LastModifiedDate ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return o.IsDeleted !== true && o.IsWon === true && !o.Concord_Order_Status__c && Number.isFinite(modified) && modified >= since;
    });
    installed.queue.push(...due.map((o) => ({ item: { opportunityId: o.Id, swept: true } })));
    return due.map((o) => o.Id);
  }

  /** Sends what is queued now and waits for the retries (tests and the bench). */
  async drain(tenant: SandboxTenant | undefined, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (const t of tenant ? [tenant] : [...this.installed.keys()]) {
      const q = this.installed.get(t)?.queue;
      if (q && !(await q.drain(Math.max(1, until - Date.now())))) return false;
    }
    return true;
  }

  /** One execution of the job for one Opportunity (Apex attempt = `attempt` + 1). */
  private async send(installed: Installed, job: Job, attempt: number): Promise<AttemptOutcome> {
    const { config } = installed;
    const ds = this.state.dataset(config.tenant).salesforce;
    const base = { at: new Date().toISOString(), opportunityId: job.opportunityId, attempt: attempt + 1, via: job.swept ? ('sweep' as const) : ('trigger' as const) };
    const opp = findRecord(ds, 'Opportunity', job.opportunityId);
    if (!opp || opp.IsWon !== true) {
      appendBounded(installed.callouts, { ...base, status: null, ok: true, skipped: 'the Opportunity is no longer won' }, KEEP);
      return { ok: true };
    }
    const target = new URL(`${config.url.replace(/\/+$/, '')}${CLOSED_WON_PATH}`);
    const body = closedWonBody(ds.orgId, opp);
    const timestamp = String(Date.now());
    const result = await postOnce(
      target.toString(),
      {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'SFDC-Callout/62.0 (Concord sandbox)',
        'x-concord-org-id': ds.orgId,
        'x-concord-timestamp': timestamp,
        'x-concord-signature': concordSignature(config.secret, target.pathname + target.search, timestamp, body),
      },
      body,
      config.timeoutMs,
    );
    appendBounded(installed.callouts, { ...base, ...result, idempotencyKey: `sf:${ds.orgId}:opp:${opp.Id}:closedwon` }, KEEP);
    return { ok: result.ok, retryable: result.status === null || !PERMANENT_REFUSALS.has(result.status) };
  }
}
