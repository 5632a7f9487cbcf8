/**
 * The body of a section in whatever state the view says it is in (docs/account-view.md): the
 * data (`ok`), the data under a "Cached ..." note (`stale`), or a sentence for `none`,
 * `unavailable` and `not_linked`. Sections pass how to draw their data and, for `none`, an
 * optional next step (e.g. the link to start an onboarding project).
 */
import type { ComponentChildren } from 'preact';
import { noneText, notLinkedText, staleText, unavailableText } from '../states.js';
import type { AccountView, Section, SourceSectionKey } from '../types.js';

/** Props of {@link SectionBody}. */
export interface SectionBodyProps<T> {
  view: AccountView;
  section: SourceSectionKey;
  state: Section<T>;
  children: (data: T) => ComponentChildren;
  /** Shown after the `none` sentence: what a person can do about it. */
  noneAction?: ComponentChildren;
}

/** Renders one section's state. */
export function SectionBody<T>(props: SectionBodyProps<T>) {
  const { view, section, state } = props;
  switch (state.state) {
    case 'ok':
      return <>{props.children(state.data)}</>;
    case 'stale':
      return (
        <>
          <p class="cc-stale" data-testid={`stale-${section}`}>{staleText(view, section, state.ageSeconds, state.error)}</p>
          {props.children(state.data)}
        </>
      );
    case 'none':
      return (
        <p class="cc-none" data-testid={`none-${section}`}>
          {noneText(view, section)}
          {props.noneAction ? <> {props.noneAction}</> : null}
        </p>
      );
    case 'unavailable':
      return <p class="cc-unavailable" data-testid={`unavailable-${section}`}>{unavailableText(view, section, state.error)}</p>;
    case 'not_linked':
      return <p class="cc-none" data-testid={`not-linked-${section}`}>{notLinkedText(section)}</p>;
  }
}
