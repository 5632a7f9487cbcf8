/**
 * What linking one page of records needs, whichever pass it is: the links decided earlier in
 * the page (written at its end), link and review writes with their audit entries, and the
 * accounts whose links changed (for survivorship).
 */
import { recordKey, type MatchOption } from '../../policies/identity/index.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import { insertAccount, insertLink, newAccountId } from '../../storage/identity.js';
import type { CandidateRow } from '../../storage/identity-records.js';
import type { ServiceContext } from '../context.js';
import { raiseReviews, type Subject } from './resolve.js';

/** Counters a sync reports. */
export interface SyncStats {
  /** Records ingested per system. */
  candidates: Partial<Record<System, number>>;
  crmRecords: number;
  accountsCreated: number;
  linksCreated: Partial<Record<System, number>>;
  duplicatesFolded: number;
  /** Review cases this run asked a person about (new or still open). */
  reviews: number;
  skippedSystems: System[];
}

export const SYNC_ACTOR = 'system:identity-sync';

/** One page's pending writes and bookkeeping. */
export class PageWriter {
  readonly writes: D1PreparedStatement[] = [];
  readonly touched = new Set<string>();
  /** Links decided earlier in this page, so two records of one page see each other's account. */
  private readonly claimed = new Map<string, string>();

  constructor(
    private readonly db: D1Database,
    private readonly ctx: ServiceContext,
    private readonly stats: SyncStats,
  ) {}

  /** A candidate's account, counting links decided earlier in this page. */
  accountOf = (row: CandidateRow): string | null => row.accountId ?? this.claimed.get(recordKey(row.system, row.externalId)) ?? null;

  claimedBy(system: System, externalId: string): string | null {
    return this.claimed.get(recordKey(system, externalId)) ?? null;
  }

  audit(action: string, entityId: string, after: unknown): void {
    this.writes.push(auditStatement(this.db, { tenantId: this.ctx.tenantId, actor: SYNC_ACTOR, action, entityType: 'account', entityId, after, correlationId: this.ctx.correlationId }));
  }

  /** A new account made from `origin` (its first, primary link). */
  createAccount(origin: { system: System; externalId: string; name: string }): string {
    const accountId = newAccountId();
    this.stats.accountsCreated++;
    this.writes.push(insertAccount(this.db, this.ctx.tenantId, accountId, origin.name));
    this.audit('account.create', accountId, { name: origin.name, from: { system: origin.system, externalId: origin.externalId } });
    this.claimed.set(recordKey(origin.system, origin.externalId), accountId);
    this.touched.add(accountId);
    this.writes.push(insertLink(this.db, this.ctx.tenantId, accountId, { system: origin.system, externalId: origin.externalId, rule: 'source', isPrimary: true }));
    return accountId;
  }

  /** Links a record to an account (counted and audited as a link). */
  link(accountId: string, system: System, externalId: string, rule: string, isPrimary: boolean, detail: Record<string, unknown>): void {
    this.claimed.set(recordKey(system, externalId), accountId);
    this.touched.add(accountId);
    this.stats.linksCreated[system] = (this.stats.linksCreated[system] ?? 0) + 1;
    this.writes.push(insertLink(this.db, this.ctx.tenantId, accountId, { system, externalId, rule, isPrimary }));
    this.audit('identity.link', accountId, { system, externalId, rule, ...detail });
  }

  /** Raises a review case (subject vs the option's record) unless the two are already in one account. */
  review(subject: Subject, accountId: string | null, option: MatchOption<CandidateRow>): void {
    const statements = raiseReviews(
      this.db,
      this.ctx.tenantId,
      { system: subject.ref!.system, externalId: subject.ref!.externalId, fields: subject.fields, accountId },
      { decision: 'review', matches: [option] },
      { actor: SYNC_ACTOR, correlationId: this.ctx.correlationId },
    );
    if (statements.length) this.stats.reviews++;
    this.writes.push(...statements);
  }

  async flush(): Promise<Set<string>> {
    if (this.writes.length) await this.db.batch(this.writes);
    return this.touched;
  }
}
