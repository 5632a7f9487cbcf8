/** The demo tenant's accounts, paged through the broker's own API. */
import type { Estate } from '../../scripts/estate.js';

export interface AccountItem {
  id: string;
  links: { system: string; externalId: string }[];
}

/** Every demo account, in API order. */
export async function demoAccounts(estate: Estate): Promise<AccountItem[]> {
  const headers = { authorization: `Bearer ${estate.tenants.demo.apiKey}` };
  const items: AccountItem[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${estate.brokerUrl}/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers });
    const page = (await res.json()) as { items: AccountItem[]; next: string | null };
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

/** Accounts linked to both the ERP and the CS platform: every section of the view has a source. */
export const fullyLinked = (a: AccountItem) => a.links.some((l) => l.system === 'netsuite') && a.links.some((l) => l.system === 'vitally');

/** The account's record id in `system` (it must be linked there). */
export function linkOf(a: AccountItem, system: string): string {
  const link = a.links.find((l) => l.system === system);
  if (!link) throw new Error(`account ${a.id} is not linked to ${system}`);
  return link.externalId;
}
