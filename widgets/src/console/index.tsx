/**
 * Entry of console.js (IIFE, global `ConcordConsole`). Exports `mount(el, props)`; with
 * `<script src="console.js" data-concord-from-url>` on console.html it mounts into
 * `#concord-console` using `?tenant=...` and the page's own origin as the API.
 */
import { render } from 'preact';
import { renderConfigError, takeUrlParams } from '../shared/embed.js';
import type { FetchLike } from '../shared/http.js';
import { Console } from './App.js';
import { createFetchConsoleService } from './service.js';

export type { ConsoleService } from './service.js';

/** Props of {@link mount}. */
export interface ConsoleMountProps {
  apiBase: string;
  tenant: string;
  /** Fetch to use; requests are sent with `credentials: 'include'` (session cookie). */
  fetch?: FetchLike;
  /** How to leave the page for an OAuth start; `location.assign` by default. */
  navigate?: (url: string) => void;
}

/**
 * Render the admin console into `el`.
 * @returns a function that unmounts it.
 */
export function mount(el: HTMLElement, props: ConsoleMountProps): () => void {
  const service = createFetchConsoleService(props);
  const navigate = props.navigate ?? ((url: string) => window.location.assign(url));
  render(<Console service={service} tenant={props.tenant} navigate={navigate} />, el);
  return () => render(null, el);
}

function autoMount(): void {
  const script = document.currentScript;
  if (!(script instanceof HTMLScriptElement) || script.dataset['concordFromUrl'] === undefined) return;
  const el = document.getElementById('concord-console') ?? document.body;
  const { tenant } = takeUrlParams(['tenant'], []);
  if (!tenant) return renderConfigError(el, 'the page URL needs ?tenant=...');
  mount(el, { apiBase: window.location.origin, tenant });
}

autoMount();
