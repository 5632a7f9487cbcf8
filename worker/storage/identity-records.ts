/**
 * Identity records and their blocking keys in D1: every system's company records with the raw
 * fields the scorer reads, indexed by the keys of worker/policies/identity/blocking.ts, so
 * finding a record's candidates is an index lookup, never a scan of the tenant. Writes take a
 * page as one JSON parameter (`json_each`), so a page of 1,000 records is three statements.
 */
import type { IdentityFields } from '../policies/identity/index.js';
import type { System } from './connections.js';

/** A record as stored for identity resolution. */
export interface StoredRecord {
  externalId: string;
  fields: IdentityFields;
  /** The record its own external-id hint points at. */
  hint: { system: System; externalId: string } | null;
  keys: string[];
}

/** A candidate found by key, with the account it (and the record its hint names) belongs to. */
export interface CandidateRow {
  system: System;
  externalId: string;
  fields: IdentityFields;
  hint: { system: System; externalId: string } | null;
  accountId: string | null;
  isPrimary: boolean;
  /** Account of the record this candidate's hint points at, when that record is linked. */
  hintAccountId: string | null;
  /** Rank of the blocking keys it shares with the subject (identifying keys weigh most). */
  hits: number;
}

/** Records per statement: keeps each JSON parameter well under D1's value size limit. */
const CHUNK = 200;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Statements that store a page of one system's records and replace their keys. */
export function upsertRecords(db: D1Database, tenantId: string, system: System, records: readonly StoredRecord[], seenAt: string): D1PreparedStatement[] {
  return chunks(records, CHUNK).flatMap((part) => [
    db
      .prepare(
        `INSERT INTO identity_records (tenant_id, system, external_id, name, fields_json, hint_system, hint_id, seen_at)
         SELECT ?1, ?2, json_extract(value, '$.id'), json_extract(value, '$.name'), json_extract(value, '$.fields'),
                json_extract(value, '$.hs'), json_extract(value, '$.hi'), ?3
         FROM json_each(?4) WHERE true
         ON CONFLICT(tenant_id, system, external_id) DO UPDATE SET name = excluded.name, fields_json = excluded.fields_json,
           hint_system = excluded.hint_system, hint_id = excluded.hint_id, seen_at = excluded.seen_at`,
      )
      .bind(
        tenantId,
        system,
        seenAt,
        JSON.stringify(part.map((r) => ({ id: r.externalId, name: r.fields.name, fields: JSON.stringify(r.fields), hs: r.hint?.system ?? null, hi: r.hint?.externalId ?? null }))),
      ),
    db
      .prepare(`DELETE FROM identity_keys WHERE tenant_id = ?1 AND system = ?2 AND external_id IN (SELECT value FROM json_each(?3))`)
      .bind(tenantId, system, JSON.stringify(part.map((r) => r.externalId))),
    db
      .prepare(
        `INSERT OR IGNORE INTO identity_keys (tenant_id, key, system, external_id)
         SELECT ?1, json_extract(value, '$[0]'), ?2, json_extract(value, '$[1]') FROM json_each(?3)`,
      )
      .bind(tenantId, system, JSON.stringify(part.flatMap((r) => r.keys.map((k) => [k, r.externalId])))),
  ]);
}

/** Statements that drop the records of `system` not seen since `seenAt` (gone from the vendor) and their keys. */
export function dropUnseenRecords(db: D1Database, tenantId: string, system: System, seenAt: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `DELETE FROM identity_keys WHERE tenant_id = ?1 AND system = ?2 AND external_id IN
           (SELECT external_id FROM identity_records WHERE tenant_id = ?1 AND system = ?2 AND seen_at < ?3)`,
      )
      .bind(tenantId, system, seenAt),
    db.prepare(`DELETE FROM identity_records WHERE tenant_id = ?1 AND system = ?2 AND seen_at < ?3`).bind(tenantId, system, seenAt),
  ];
}

/** Statements that drop these records' evidence and keys (records the vendor deleted or merged away). */
export function dropRecords(db: D1Database, tenantId: string, system: System, externalIds: readonly string[]): D1PreparedStatement[] {
  const ids = JSON.stringify([...new Set(externalIds)]);
  return [
    db.prepare(`DELETE FROM identity_keys WHERE tenant_id = ?1 AND system = ?2 AND external_id IN (SELECT value FROM json_each(?3))`).bind(tenantId, system, ids),
    db.prepare(`DELETE FROM identity_records WHERE tenant_id = ?1 AND system = ?2 AND external_id IN (SELECT value FROM json_each(?3))`).bind(tenantId, system, ids),
  ];
}

/**
 * A key shared by more records than this identifies nothing (a 4-letter prefix or a name word
 * every tenth company has) and is left out of a lookup, like a stop word. Without the cap a
 * lookup read every record of each of its keys' blocks: at SANDBOX_SCALE=100 the largest blocks
 * held about 3,000 records, and the CRM linking pass slowed from about 1,000 records a second
 * (scale 10) to 33 (scale 100), quadratic in the tenant's size (docs/performance.md). Identifying
 * keys (hint, tax id, domain) have blocks of a few records and are never near it; below it
 * (every block of the demo estate up to SANDBOX_SCALE=10) nothing changes.
 */
export const KEY_BLOCK_MAX = 500;

/**
 * Candidates sharing at least one of `keys`, best-ranked first (identifying keys outweigh name
 * words), at most `limit`, optionally only of `systems`. One indexed read per key, of at most
 * {@link KEY_BLOCK_MAX} + 1 entries for a key too common to count; the subject itself is among
 * them when stored.
 */
export function candidatesByKeys(db: D1Database, tenantId: string, keys: readonly string[], opts: { systems?: readonly System[] | null; limit?: number } = {}): D1PreparedStatement {
  return db
    .prepare(
      // CROSS JOIN keeps SQLite from reordering: one primary-key search per key, never a scan of
      // the tenant's keys (which the GROUP BY would otherwise tempt it into).
      // Keys are weighed by how much they identify: a shared hint, tax number or domain ranks a
      // candidate above any number of shared name words (a brand's many companies share those).
      // The block of each key is counted up to KEY_BLOCK_MAX + 1 (a bounded index read) first.
      // The second CROSS JOIN matters as much: with bound parameters SQLite otherwise walked every
      // record of the tenant (its tenant_id index) and probed the hits for each, one full pass of
      // identity_records per lookup (about 330,000 rows read at SANDBOX_SCALE=100).
      `WITH usable AS (
         SELECT j.value AS key FROM json_each(?2) j
         WHERE (SELECT count(*) FROM (SELECT 1 FROM identity_keys b WHERE b.tenant_id = ?1 AND b.key = j.value LIMIT ?5 + 1)) <= ?5),
       hits AS (
         SELECT k.system, k.external_id,
                SUM(CASE substr(k.key, 1, 2) WHEN 'h:' THEN 1000 WHEN 't:' THEN 300 WHEN 'd:' THEN 300 WHEN 'f:' THEN 30 WHEN 'b:' THEN 10 ELSE 1 END) AS n
         FROM usable j CROSS JOIN identity_keys k ON k.tenant_id = ?1 AND k.key = j.key
         WHERE ?3 IS NULL OR k.system IN (SELECT value FROM json_each(?3))
         GROUP BY k.system, k.external_id ORDER BY n DESC, k.system, k.external_id LIMIT ?4)
       SELECT r.system, r.external_id AS externalId, r.fields_json AS fieldsJson, r.hint_system AS hintSystem, r.hint_id AS hintId,
              l.canonical_id AS accountId, l.is_primary AS isPrimary, hl.canonical_id AS hintAccountId, hits.n AS hits
       FROM hits
       CROSS JOIN identity_records r ON r.tenant_id = ?1 AND r.system = hits.system AND r.external_id = hits.external_id
       LEFT JOIN identity_links l ON l.tenant_id = ?1 AND l.entity = 'account' AND l.system = r.system AND l.external_id = r.external_id
       LEFT JOIN identity_links hl ON hl.tenant_id = ?1 AND hl.entity = 'account' AND hl.system = r.hint_system AND hl.external_id = r.hint_id
       ORDER BY hits.n DESC, r.system, r.external_id`,
    )
    .bind(tenantId, JSON.stringify(keys), opts.systems ? JSON.stringify(opts.systems) : null, opts.limit ?? 40, KEY_BLOCK_MAX);
}

interface RawCandidate {
  system: System;
  externalId: string;
  fieldsJson: string;
  hintSystem: System | null;
  hintId: string | null;
  accountId: string | null;
  isPrimary: number | null;
  hintAccountId: string | null;
  hits: number;
}

/** Rows of `candidatesByKeys` as candidates. */
export function toCandidates(rows: readonly unknown[]): CandidateRow[] {
  return (rows as RawCandidate[]).map((r) => ({
    system: r.system,
    externalId: r.externalId,
    fields: JSON.parse(r.fieldsJson) as IdentityFields,
    hint: r.hintSystem && r.hintId ? { system: r.hintSystem, externalId: r.hintId } : null,
    accountId: r.accountId,
    isPrimary: r.isPrimary !== 0,
    hintAccountId: r.hintAccountId,
    hits: r.hits,
  }));
}

/**
 * The statement of `recordsPage`. The cursor is compared as `external_id > ?3` with '' for the
 * first page (ids are never empty), so SQLite seeks to it in the index: `?3 IS NULL OR
 * external_id > ?3` read every record before the cursor on every page, quadratic over a pass.
 */
export function recordsPageStatement(db: D1Database, tenantId: string, system: System, after: string | null, limit: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT external_id AS externalId, fields_json AS fieldsJson, hint_system AS hintSystem, hint_id AS hintId FROM identity_records
       WHERE tenant_id = ?1 AND system = ?2 AND external_id > ?3 ORDER BY external_id LIMIT ?4`,
    )
    .bind(tenantId, system, after ?? '', limit);
}

/** One system's stored records in id order, `limit` per page after `after` (for the link pass). */
export async function recordsPage(db: D1Database, tenantId: string, system: System, after: string | null, limit: number): Promise<{ externalId: string; fields: IdentityFields; hint: StoredRecord['hint'] }[]> {
  const { results } = await recordsPageStatement(db, tenantId, system, after, limit).all<{ externalId: string; fieldsJson: string; hintSystem: System | null; hintId: string | null }>();
  return results.map((r) => ({ externalId: r.externalId, fields: JSON.parse(r.fieldsJson) as IdentityFields, hint: r.hintSystem && r.hintId ? { system: r.hintSystem, externalId: r.hintId } : null }));
}

/** Stored records' fields by id (90 ids per query, under D1's 100 bound parameters); unknown ids are absent. */
export async function recordsFields(db: D1Database, tenantId: string, system: System, externalIds: readonly string[]): Promise<Map<string, IdentityFields>> {
  const out = new Map<string, IdentityFields>();
  for (const part of chunks([...new Set(externalIds)], 90)) {
    const { results } = await db
      .prepare(`SELECT external_id AS externalId, fields_json AS fieldsJson FROM identity_records WHERE tenant_id = ? AND system = ? AND external_id IN (${part.map(() => '?').join(', ')})`)
      .bind(tenantId, system, ...part)
      .all<{ externalId: string; fieldsJson: string }>();
    for (const r of results) out.set(r.externalId, JSON.parse(r.fieldsJson) as IdentityFields);
  }
  return out;
}

/** A stored record's fields, or null. */
export async function recordFields(db: D1Database, tenantId: string, system: System, externalId: string): Promise<IdentityFields | null> {
  const row = await db
    .prepare('SELECT fields_json AS fieldsJson FROM identity_records WHERE tenant_id = ? AND system = ? AND external_id = ?')
    .bind(tenantId, system, externalId)
    .first<{ fieldsJson: string }>();
  return row ? (JSON.parse(row.fieldsJson) as IdentityFields) : null;
}

/** Records kept apart from the given record by a person, with the accounts they belong to. */
export function keptApartFrom(db: D1Database, tenantId: string, system: System, externalId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT k.system_b AS system, k.id_b AS externalId, k.decided_by AS decidedBy, l.canonical_id AS accountId
       FROM identity_kept_apart k
       LEFT JOIN identity_links l ON l.tenant_id = k.tenant_id AND l.entity = 'account' AND l.system = k.system_b AND l.external_id = k.id_b
       WHERE k.tenant_id = ? AND k.system_a = ? AND k.id_a = ?`,
    )
    .bind(tenantId, system, externalId);
}

/** A pair kept apart by a person. */
export interface KeptApartRow {
  system: System;
  externalId: string;
  decidedBy: string;
  accountId: string | null;
}

/** Statements that remember (a, b) as different companies, in both directions (idempotent). */
export function keepApart(db: D1Database, tenantId: string, a: { system: System; externalId: string }, b: { system: System; externalId: string }, decidedBy: string, at: string): D1PreparedStatement[] {
  const sql = `INSERT INTO identity_kept_apart (tenant_id, system_a, id_a, system_b, id_b, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
  return [
    db.prepare(sql).bind(tenantId, a.system, a.externalId, b.system, b.externalId, decidedBy, at),
    db.prepare(sql).bind(tenantId, b.system, b.externalId, a.system, a.externalId, decidedBy, at),
  ];
}
