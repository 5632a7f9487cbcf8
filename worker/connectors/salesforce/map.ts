/** Salesforce raw records -> canonical. The only file that knows Salesforce field names. */
import type { MatchRecord } from '../../ports/index.js';
import type { AccountRow } from './schemas.js';

export const ACCOUNT_FIELDS = 'Id, Name, Website';

export function matchRecordFromAccount(a: AccountRow): MatchRecord {
  const name = a.Name?.trim();
  return { externalId: a.Id, name: name || `Salesforce account ${a.Id}`, domain: a.Website ?? null, taxId: null, crmHint: null };
}
