/**
 * The write guard: the one gate every vendor write handed out by `portsFor` passes. It decides
 * each attribute of a write with the tenant's ownership matrix (policies/ownership/guard.ts),
 * lets the allowed attributes through, and records every refused one (`write_refusals`, plus one
 * audit row per write) with the flow, the correlation id, the owner and the attempted value, so a
 * refusal is visible in the console and the account view instead of silently dropped.
 */
import { SYSTEM_ROLE, type SystemName, type SystemRole } from '../model/primitives.js';
import { decideWrite, type OwnershipMatrix } from '../policies/ownership/index.js';
import { auditStatement } from '../storage/audit.js';
import { tenantMatrix } from '../storage/ownership.js';
import { refusalStatement, type NewRefusal } from '../storage/write-refusals.js';
import type { FactSource, FactSpec } from './facts.js';

/** Who is writing: the flow (or route) and its correlation id, for refusals and audit. */
export interface WriteOrigin {
  flow: string;
  correlationId: string;
  actor: string;
  /**
   * The CRM/ERP/CS system a flow's values come from when the write itself does not say (the
   * closed-won flow writes the CRM deal's values into the ERP).
   */
  source?: SystemName;
  /** `create` when the flow creates the target records (idempotently, by Concord's key). */
  mode?: 'create' | 'update';
}

/** One attribute of a write: its name as the write spells it, its canonical field and value. */
export interface GuardedAttribute {
  name: string;
  field: string;
  /** The system (or, when none of that role is connected, the role) its value comes from; defaults to the origin's source. */
  source?: SystemName | SystemRole | 'concord';
  value: unknown;
}

export interface GuardedWrite {
  target: SystemName;
  entity: string;
  /** The target records (one, or many for a bulk write with the same attributes). */
  recordIds: readonly string[];
  accountId?: string | null;
  attributes: readonly GuardedAttribute[];
  mode?: 'create' | 'update';
}

export interface GuardResult {
  /** Names of the attributes that may be written. */
  allowed: Set<string>;
  refused: NewRefusal[];
}

export class WriteGuard {
  private constructor(
    private readonly db: D1Database,
    readonly tenantId: string,
    readonly origin: WriteOrigin,
    private readonly matrix: OwnershipMatrix,
    /** Which system plays each role for this tenant (a fact's `from` role -> system). */
    private readonly systemOf: (role: Exclude<FactSource, 'concord'>) => SystemName | null,
  ) {}

  static async load(db: D1Database, tenantId: string, origin: WriteOrigin, systemOf: (role: Exclude<FactSource, 'concord'>) => SystemName | null): Promise<WriteGuard> {
    return new WriteGuard(db, tenantId, origin, await tenantMatrix(db, tenantId), systemOf);
  }

  /** The attributes of `facts` (canonical fact names) with their fields and source systems. */
  factAttributes<F extends object>(facts: F, specs: Readonly<Record<string, FactSpec>>): GuardedAttribute[] {
    const out: GuardedAttribute[] = [];
    for (const [name, value] of Object.entries(facts)) {
      if (value === undefined) continue;
      const spec = specs[name];
      // An attribute without a spec is refused as unknown: never written unchecked.
      if (!spec) {
        out.push({ name, field: `unknown.${name}`, value });
        continue;
      }
      // A fact is the data of its role, whether or not a system of that role is connected now.
      const source = spec.from === 'concord' ? 'concord' : (this.systemOf(spec.from) ?? spec.from);
      out.push({ name, field: spec.field, source, value });
    }
    return out;
  }

  /** Decide a write; refusals are recorded before this returns. */
  async check(write: GuardedWrite): Promise<GuardResult> {
    const allowed = new Set<string>();
    const refused: NewRefusal[] = [];
    const mode = write.mode ?? this.origin.mode ?? 'update';
    // Attributes are decided per source system: one write may carry ERP and CS facts together.
    const bySource = new Map<SystemName | SystemRole | 'concord', GuardedAttribute[]>();
    for (const a of write.attributes) {
      const source = a.source ?? this.origin.source ?? 'concord';
      bySource.set(source, [...(bySource.get(source) ?? []), a]);
    }
    for (const [source, attributes] of bySource) {
      // A `concord` source may only write Concord's own fields; decideWrite enforces that.
      const decision = decideWrite(this.matrix, { target: write.target, source, mode, fields: attributes.map((a) => a.field) });
      const ok = new Set(decision.allowed);
      const why = new Map(decision.refused.map((r) => [r.field, r]));
      for (const a of attributes) {
        if (ok.has(a.field)) {
          allowed.add(a.name);
          continue;
        }
        const r = why.get(a.field) ?? { reason: 'unknown_field' as const, owner: null };
        refused.push({
          flow: this.origin.flow,
          correlationId: this.origin.correlationId,
          targetSystem: write.target,
          source,
          entity: write.entity,
          recordId: write.recordIds[0] ?? null,
          recordCount: write.recordIds.length,
          accountId: write.accountId ?? null,
          attribute: a.name,
          field: a.field,
          owner: r.owner,
          reason: r.reason,
          attempted: a.value,
        });
      }
    }
    if (refused.length > 0) await this.record(write, refused);
    return { allowed, refused };
  }

  private async record(write: GuardedWrite, refused: NewRefusal[]): Promise<void> {
    const at = new Date().toISOString();
    await this.db.batch([
      ...refused.map((r) => refusalStatement(this.db, this.tenantId, r, at)),
      auditStatement(this.db, {
        tenantId: this.tenantId,
        actor: this.origin.actor,
        action: 'write.refused',
        entityType: write.accountId ? 'account' : `${write.target}_${write.entity}`,
        entityId: write.accountId ?? write.recordIds[0] ?? '-',
        after: {
          flow: this.origin.flow,
          target: write.target,
          targetRole: SYSTEM_ROLE[write.target],
          entity: write.entity,
          records: write.recordIds.length,
          fields: refused.map((r) => ({ attribute: r.attribute, field: r.field, owner: r.owner, reason: r.reason })),
        },
        correlationId: this.origin.correlationId,
      }),
    ]);
  }
}

/** Only the allowed attributes of `values` (by name). */
export function pick<T extends object>(values: T, allowed: ReadonlySet<string>): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => allowed.has(k))) as Partial<T>;
}
