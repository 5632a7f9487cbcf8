/** Placeholder for a section whose source failed (the view has it as `null`). */

/** Explains, in words, why a section is empty. */
export function Unavailable(props: { text: string }) {
  return <p class="cc-unavailable">{props.text}</p>;
}
