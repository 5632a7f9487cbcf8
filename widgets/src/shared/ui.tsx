/**
 * Small presentational building blocks shared by the panel and the console: a labelled section
 * (a named region landmark with an h2), status badges, and the visually-hidden utility class.
 * Colours live in public/concord.css and are chosen for WCAG AA contrast (>= 4.5:1).
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** Visual tone of a badge; each maps to a text/background pair with AA contrast. */
export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

/** A pill with a text label; colour is never the only carrier of meaning. */
export function Badge(props: { tone: Tone; children: ComponentChildren; label?: string }) {
  return (
    <span class={`cc-badge cc-tone-${props.tone}`} {...(props.label ? { title: props.label } : {})}>
      {props.children}
    </span>
  );
}

/** Props of {@link Section}. */
export interface SectionProps {
  title: string;
  /** Small hint under the heading, e.g. "Source of record: NetSuite". */
  hint?: string | undefined;
  class?: string;
  /** Anchor id of the section, for links from elsewhere in the page. */
  id?: string;
  children: ComponentChildren;
}

/** A card that is a region landmark named by its heading, so screen-reader users can jump to it. */
export function Section(props: SectionProps) {
  const id = useId();
  return (
    <section class={`cc-card ${props.class ?? ''}`} aria-labelledby={id} {...(props.id ? { id: props.id } : {})}>
      <div class="cc-card-head">
        <h2 id={id}>{props.title}</h2>
        {props.hint ? <span class="cc-hint">{props.hint}</span> : null}
      </div>
      {props.children}
    </section>
  );
}

/** Text only screen readers announce. */
export function SrOnly(props: { children: ComponentChildren }) {
  return <span class="cc-sr-only">{props.children}</span>;
}
