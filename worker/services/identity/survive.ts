/**
 * Applies survivorship (worker/policies/identity/survivorship.ts) to accounts whose links
 * changed: the account's display name and surviving fields follow the tenant's ownership matrix.
 */
import { surviveFields } from '../../policies/identity/index.js';
import type { OwnershipMatrix } from '../../policies/ownership/index.js';
import { linkedRecords, toLinkedRecords, updateAccountFields } from '../../storage/identity.js';

/** Accounts per lookup (one JSON parameter each). */
const CHUNK = 100;

/** Recomputes the surviving fields of `accountIds` from their linked records. */
export async function refreshAccounts(db: D1Database, tenantId: string, accountIds: Iterable<string>, matrix: OwnershipMatrix): Promise<void> {
  const ids = [...new Set(accountIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const { results } = await linkedRecords(db, tenantId, part).all();
    const byAccount = new Map<string, ReturnType<typeof toLinkedRecords>>();
    for (const r of toLinkedRecords(results)) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
    const writes = [...byAccount].flatMap(([accountId, records]) => {
      const known = records.flatMap((r) => (r.fields ? [{ system: r.system, externalId: r.externalId, fields: r.fields, isPrimary: r.isPrimary }] : []));
      if (known.length === 0) return [];
      const fields = surviveFields(matrix, known);
      return fields.name ? [updateAccountFields(db, tenantId, accountId, fields.name.value, fields)] : [];
    });
    if (writes.length) await db.batch(writes);
  }
}
