/**
 * Which system owns a section and how fresh its data is, derived from the view's
 * `owners` and `freshness` maps (docs/account-view.md).
 */
import type { AccountView, Freshness, SectionKey } from './account-view.ts';

/** Owner and freshness of one section; `owner` is null when the broker did not say. */
export interface SectionMeta {
  owner: string | null;
  freshness: Freshness | undefined;
}

/** Looks up a section's owner system and that system's freshness stamp. */
export function sectionMeta(view: AccountView, section: SectionKey): SectionMeta {
  const owner = view.owners[section] ?? null;
  return { owner, freshness: owner ? view.freshness[owner] : undefined };
}
