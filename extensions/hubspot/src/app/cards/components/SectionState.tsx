/**
 * A section's body in the state the broker gives it (docs/account-view.md): its figures (`ok`),
 * its figures under a note saying how old they are and why (`stale`), or one sentence for `none`,
 * `unavailable` and `not_linked`. Pure: renders what it is given.
 */
import { Link, Text } from '@hubspot/ui-extensions';
import type { ReactElement } from 'react';
import type { Section, SectionKey } from '../lib/account-view.ts';
import { formatAge, humanize, systemName } from '../lib/format.ts';
import type { SectionMeta } from '../lib/sections.ts';

type CardSection = Exclude<SectionKey, 'escalations'>;

/** What the source has none of, per section (the `none` state). */
const NONE: Record<CardSection, (system: string) => string> = {
  receivables: (s) => `${s} has no invoices or currency for this customer.`,
  contract: (s) => `No current contract in ${s}.`,
  health: (s) => `No health score in ${s} yet.`,
  onboarding: (s) => `No onboarding project in ${s}.`,
};

const ROLE: Record<CardSection, string> = {
  receivables: 'an ERP customer',
  contract: 'an ERP customer',
  health: 'a customer-success account',
  onboarding: 'a customer-success account',
};

/** Props of {@link SectionBody}. */
export interface SectionBodyProps<T> {
  id: CardSection;
  meta: SectionMeta;
  section: Section<T>;
  /** The source system's web app (the view's `sourceLinks`), for the `none` state's next step. */
  sourceLink: string | null;
  render: (data: T) => ReactElement;
}

/** Where a CSM starts the missing onboarding project: a link when the broker knows the web app. */
function StartProject({ system, link }: { system: string; link: string | null }) {
  const name = systemName(system);
  return link ? (
    <Link href={{ url: link, external: true }} testId="start-onboarding">{`Start one in ${name}`}</Link>
  ) : (
    <Text variant="microcopy">{`A CSM can start one in ${name}.`}</Text>
  );
}

/** Renders one section's state. */
export function SectionBody<T>({ id, meta, section, sourceLink, render }: SectionBodyProps<T>) {
  const source = meta.owner ? systemName(meta.owner) : 'The source system';
  switch (section.state) {
    case 'ok':
      return render(section.data);
    case 'stale': {
      const age = formatAge(section.ageSeconds);
      const why = section.error ? `: ${source} is unavailable right now (${humanize(section.error)}).` : '; refreshing.';
      return (
        <>
          <Text variant="microcopy" testId={`stale-${id}`}>{`Showing ${source} data from ${age}${why}`}</Text>
          {render(section.data)}
        </>
      );
    }
    case 'none':
      return (
        <>
          <Text testId={`none-${id}`}>{NONE[id](source)}</Text>
          {id === 'onboarding' && meta.owner ? <StartProject system={meta.owner} link={sourceLink} /> : null}
        </>
      );
    case 'unavailable':
      return <Text testId={`unavailable-${id}`}>{`${source} data is not available right now (${humanize(section.error)}). Refresh to try again.`}</Text>;
    case 'not_linked':
      return <Text testId={`not-linked-${id}`}>{`This account is not linked to ${ROLE[id]} yet.`}</Text>;
  }
}
