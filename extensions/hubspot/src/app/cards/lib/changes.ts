/**
 * The account's latest changes as the card reads them from `GET /v1/cards/hubspot/changes`
 * (docs/cards-api.md): `{items:[{at, source, action, summary}], next}`, newest first. A
 * reader-side copy of the broker's shape that checks only what the card shows; extra fields are
 * tolerated.
 */
import { z } from 'zod';

export const ChangeItem = z.object({
  at: z.string(),
  /** Where the change came from, in words: NetSuite, Vitally, HubSpot, Salesforce, Concord automation, Concord. */
  source: z.string(),
  action: z.string(),
  summary: z.string(),
});
export type ChangeItem = z.infer<typeof ChangeItem>;

export const ChangesAnswer = z.object({ items: z.array(ChangeItem), next: z.string().nullable() });
export type ChangesAnswer = z.infer<typeof ChangesAnswer>;

/** The broker's source of what a lifecycle automation did (finance hold, CRM tasks, billing released). */
export const AUTOMATION_SOURCE = 'Concord automation';

/** How many changes the card shows (the broker's default page on cards). */
export const CHANGES_SHOWN = 5;

/** True for what a lifecycle automation did, which the card marks as such. */
export function isAutomation(item: ChangeItem): boolean {
  return item.source === AUTOMATION_SOURCE;
}
