/**
 * What the panel says for each section state (docs/account-view.md, "What the surfaces show per
 * state"): the words for a section the source has none of, one that failed, one that is cached,
 * and one whose system the account is not linked to.
 */
import { formatAge, freshnessErrorText, sentence, systemName } from '../shared/format.js';
import { UNREADABLE } from './parse.js';
import type { AccountView, SourceSectionKey } from './types.js';

/** The kind of system each section comes from, for accounts not linked to one. */
const ROLE: Record<SourceSectionKey, 'ERP' | 'customer-success'> = {
  receivables: 'ERP', contract: 'ERP', health: 'customer-success', onboarding: 'customer-success', escalations: 'customer-success',
};

/** "No ... in <System>" per section, for the `none` state. */
const NONE: Record<SourceSectionKey, (system: string) => string> = {
  receivables: (s) => `${s} has no invoices or currency for this customer.`,
  contract: (s) => `No current contract in ${s}.`,
  health: (s) => `No health score in ${s} yet.`,
  onboarding: (s) => `No onboarding project in ${s}.`,
  escalations: () => 'No open escalations.',
};

/** The section's source system by name, or its kind when the view does not say. */
export function sourceName(view: AccountView, section: SourceSectionKey): string {
  const owner = view.owners[section];
  return owner ? systemName(owner) : `the ${ROLE[section]} system`;
}

/** Text of the `none` state. */
export function noneText(view: AccountView, section: SourceSectionKey): string {
  return NONE[section](sourceName(view, section));
}

/** Text of the `not_linked` state. */
export function notLinkedText(section: SourceSectionKey): string {
  return ROLE[section] === 'ERP'
    ? 'This account is not linked to an ERP customer yet.'
    : 'This account is not linked to a customer-success account yet.';
}

/** Text of the `unavailable` state: which source failed, and why. */
export function unavailableText(view: AccountView, section: SourceSectionKey, code: string): string {
  if (code === UNREADABLE) return 'This section could not be read, so it is empty for now.';
  return `${sentence(sourceName(view, section))} ${freshnessErrorText(code)}, so this section is empty for now.`;
}

/** Note over `stale` data: how old it is and, after a failure, why nothing fresher is shown. */
export function staleText(view: AccountView, section: SourceSectionKey, ageSeconds: number, code: string | undefined): string {
  const cached = `Cached ${formatAge(ageSeconds)}`;
  return code === undefined ? `${cached}; updating.` : `${cached}: ${sourceName(view, section)} ${freshnessErrorText(code)}.`;
}
