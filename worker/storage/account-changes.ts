/**
 * D1 side of an account's change effects (worker/flows/account-changes): the accounts marked for
 * effects (`account_dirty`), what the pipeline last knew of each account (`account_states`, the
 * baseline of its history lines and facts) and the facts last written on each CRM record
 * (`crm_fact_writes`). Tables: migrations 0012 and 0020, docs/storage.md.
 */
import type { CsPart } from '../model/changes.js';
import { ALL_CS_PARTS, csPartBits, csPartsOf, historyId, type HistoryLine } from './record-changes.js';

/** D1 binds at most 100 parameters per statement: lists are read in chunks. */
const CHUNK = 90;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** An account waiting for its effects: which parts to read again, and the change counter. */
export interface DirtyMark {
  erp: boolean;
  cs: boolean;
  seq: number;
  /** With `cs`: the parts of the CS data the marking changes named (`cs_parts`); absent means all. */
  csParts?: readonly CsPart[];
}

export async function dirtyMarks(db: D1Database, tenantId: string, accountIds: readonly string[]): Promise<Map<string, DirtyMark>> {
  const out = new Map<string, DirtyMark>();
  for (const part of chunks([...new Set(accountIds)])) {
    const { results } = await db
      .prepare(`SELECT account_id AS id, erp, cs, seq, cs_parts FROM account_dirty WHERE tenant_id = ? AND account_id IN (${part.map(() => '?').join(', ')})`)
      .bind(tenantId, ...part)
      .all<{ id: string; erp: number; cs: number; seq: number; cs_parts: number }>();
    for (const r of results) out.set(r.id, { erp: r.erp === 1, cs: r.cs === 1, seq: r.seq, ...(r.cs === 1 && r.cs_parts !== ALL_CS_PARTS ? { csParts: csPartsOf(r.cs_parts) } : {}) });
  }
  return out;
}

/** Accounts marked longer ago than `before` (ISO): left behind by a failed or lost delivery. */
export async function leftBehind(db: D1Database, tenantId: string, before: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT account_id AS id FROM account_dirty WHERE tenant_id = ? AND marked_at < ? ORDER BY marked_at LIMIT ?')
    .bind(tenantId, before, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Marks an account for its effects (a sweep or a test; changes mark it in their claim batch). */
export function markDirtyStatement(db: D1Database, tenantId: string, accountId: string, mark: { erp: boolean; cs: boolean }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO account_dirty (tenant_id, account_id, erp, cs, seq, marked_at, cs_parts) VALUES (?, ?, ?, ?, 1, ?, ?)
       ON CONFLICT (tenant_id, account_id) DO UPDATE SET erp = MAX(account_dirty.erp, excluded.erp), cs = MAX(account_dirty.cs, excluded.cs),
         seq = account_dirty.seq + 1, marked_at = excluded.marked_at, cs_parts = account_dirty.cs_parts | excluded.cs_parts`,
    )
    .bind(tenantId, accountId, mark.erp ? 1 : 0, mark.cs ? 1 : 0, new Date().toISOString(), csPartBits(mark));
}

/** Clears the mark, unless a newer change marked the account while its effects ran. */
export function clearDirtyStatement(db: D1Database, tenantId: string, accountId: string, seq: number): D1PreparedStatement {
  return db.prepare('DELETE FROM account_dirty WHERE tenant_id = ? AND account_id = ? AND seq = ?').bind(tenantId, accountId, seq);
}

/** What the pipeline last knew of an account, and the version it read. */
export interface StoredState<S> {
  state: S;
  version: number;
}

/**
 * One account's digest as a statement, to ride in another D1 batch (the account view's, which
 * shows the renewal hold the pipeline judged from it); read it with {@link stateFromResult}.
 */
export function accountStateStatement(db: D1Database, tenantId: string, accountId: string): D1PreparedStatement {
  return db.prepare('SELECT state_json FROM account_states WHERE tenant_id = ? AND account_id = ?').bind(tenantId, accountId);
}

/** The digest of {@link accountStateStatement}'s result; null when the pipeline has none for the account. */
export function stateFromResult<S>(result: D1Result | undefined): S | null {
  const row = result?.results[0] as { state_json?: string } | undefined;
  return row?.state_json ? (JSON.parse(row.state_json) as S) : null;
}

export async function loadStates<S>(db: D1Database, tenantId: string, accountIds: readonly string[]): Promise<Map<string, StoredState<S>>> {
  const out = new Map<string, StoredState<S>>();
  for (const part of chunks([...new Set(accountIds)])) {
    const { results } = await db
      .prepare(`SELECT account_id AS id, state_json, version FROM account_states WHERE tenant_id = ? AND account_id IN (${part.map(() => '?').join(', ')})`)
      .bind(tenantId, ...part)
      .all<{ id: string; state_json: string; version: number }>();
    for (const r of results) out.set(r.id, { state: JSON.parse(r.state_json) as S, version: r.version });
  }
  return out;
}

/**
 * Stores an account's new state over the version that was read (`previous`, 0 when there was
 * none) and its history lines, in one batch. The lines are written only if this update won (a
 * concurrent update of the same version leaves them out), and at most once per line key.
 */
export async function saveStateStatements(
  db: D1Database,
  c: { tenantId: string; accountId: string; previous: number; state: unknown; history: readonly HistoryLine[]; actor: string; correlationId: string },
): Promise<D1PreparedStatement[]> {
  const json = JSON.stringify(c.state);
  const now = new Date().toISOString();
  const next = c.previous + 1;
  const statements = [
    c.previous === 0
      ? db.prepare('INSERT OR IGNORE INTO account_states (tenant_id, account_id, state_json, version, updated_at) VALUES (?, ?, ?, 1, ?)').bind(c.tenantId, c.accountId, json, now)
      : db.prepare('UPDATE account_states SET state_json = ?, version = ?, updated_at = ? WHERE tenant_id = ? AND account_id = ? AND version = ?').bind(json, next, now, c.tenantId, c.accountId, c.previous),
  ];
  for (const line of c.history) {
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, before_json, after_json, correlation_id)
           SELECT ?1, ?2, ?3, ?4, ?5, 'account', ?6, NULL, ?7, ?8
           WHERE EXISTS (SELECT 1 FROM account_states WHERE tenant_id = ?1 AND account_id = ?6 AND version = ?9 AND state_json = ?10)`,
        )
        .bind(c.tenantId, await historyId(c.tenantId, `${c.accountId}:${c.previous}:${line.key}`), now, c.actor, line.action, c.accountId, JSON.stringify({ summary: line.summary, ...line.detail }), c.correlationId, next, json),
    );
  }
  return statements;
}

/** The facts last written on a CRM record, and the values the ownership matrix refused there. */
export interface WrittenFacts {
  written: Record<string, unknown>;
  refused: Record<string, unknown>;
}

export async function writtenFacts(db: D1Database, tenantId: string, targets: readonly { system: string; recordId: string }[]): Promise<Map<string, WrittenFacts>> {
  const out = new Map<string, WrittenFacts>();
  for (const system of new Set(targets.map((t) => t.system))) {
    const ids = [...new Set(targets.filter((t) => t.system === system).map((t) => t.recordId))];
    for (const part of chunks(ids)) {
      const { results } = await db
        .prepare(`SELECT record_id AS id, written_json, refused_json FROM crm_fact_writes WHERE tenant_id = ? AND system = ? AND record_id IN (${part.map(() => '?').join(', ')})`)
        .bind(tenantId, system, ...part)
        .all<{ id: string; written_json: string; refused_json: string }>();
      for (const r of results) out.set(`${system}:${r.id}`, { written: JSON.parse(r.written_json) as Record<string, unknown>, refused: JSON.parse(r.refused_json) as Record<string, unknown> });
    }
  }
  return out;
}

/**
 * Records what a CRM record now holds from Concord and what was refused there (the caller merges
 * them with what it read: JSON merge patches would drop the facts that were cleared to null).
 */
export function recordWrittenStatement(
  db: D1Database,
  c: { tenantId: string; system: string; recordId: string; accountId: string; written: Record<string, unknown>; refused: Record<string, unknown> },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO crm_fact_writes (tenant_id, system, record_id, account_id, written_json, refused_json, written_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (tenant_id, system, record_id) DO UPDATE SET account_id = excluded.account_id, written_json = excluded.written_json,
         refused_json = excluded.refused_json, written_at = excluded.written_at`,
    )
    .bind(c.tenantId, c.system, c.recordId, c.accountId, JSON.stringify(c.written), JSON.stringify(c.refused), new Date().toISOString());
}
