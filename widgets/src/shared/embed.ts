/**
 * Helpers for the one-script-tag and iframe embeds: find the executing <script>, attach the
 * stylesheet that ships next to the bundle, and read parameters from the page URL.
 */

/**
 * Add `<link rel=stylesheet href=concord.css>` resolved against the bundle's own URL, once per page,
 * so a host page only needs the script tag.
 */
export function ensureStylesheet(scriptSrc: string, file = 'concord.css'): void {
  const href = new URL(file, scriptSrc).href;
  const exists = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')).some((l) => l.href === href);
  if (exists) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.appendChild(link);
}

/**
 * Read query parameters of the page and remove the listed ones from the address bar, so a
 * secret such as the embed token does not stay in history or get copied with the URL.
 */
export function takeUrlParams(names: string[], secret: string[]): Record<string, string | null> {
  const url = new URL(window.location.href);
  const out: Record<string, string | null> = {};
  for (const n of names) out[n] = url.searchParams.get(n);
  let changed = false;
  for (const n of secret) {
    if (url.searchParams.has(n)) {
      url.searchParams.delete(n);
      changed = true;
    }
  }
  if (changed) window.history.replaceState(window.history.state, '', url.href);
  return out;
}

/** Render a plain error message into a mount point when the embed is misconfigured. */
export function renderConfigError(el: HTMLElement, message: string): void {
  const p = document.createElement('p');
  p.className = 'cc-config-error';
  p.setAttribute('role', 'alert');
  p.textContent = `Concord: ${message}`;
  el.replaceChildren(p);
}
