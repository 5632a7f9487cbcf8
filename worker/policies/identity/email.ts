/**
 * E-mail addresses as identity evidence: the domain of a business address (billing@acme.io)
 * points at the company; an address at a free-mail provider says nothing about it.
 */
import { normalizeDomain } from './domain.js';

export { FREE_MAIL_DOMAINS } from './free-mail.js';


/** The distinct company domains of `emails`, free-mail providers and malformed addresses left out. */
export function emailDomains(emails: readonly (string | null | undefined)[] | null | undefined): string[] {
  const out = new Set<string>();
  for (const email of emails ?? []) {
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.trim())) continue;
    const domain = normalizeDomain(email);
    if (domain) out.add(domain);
  }
  return [...out];
}
