/** HubSpot raw objects -> canonical. The only file that knows HubSpot property names. */
import type { MatchRecord } from '../../ports/index.js';
import type { HubSpotCompany } from './client.js';

export function matchRecordFromCompany(c: HubSpotCompany): MatchRecord {
  const name = c.properties.name?.trim();
  return { externalId: c.id, name: name || `HubSpot company ${c.id}`, domain: c.properties.domain ?? null, taxId: null, crmHint: null };
}
