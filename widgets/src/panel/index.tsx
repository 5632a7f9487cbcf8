/**
 * Entry of panel.js (IIFE, global `ConcordPanel`). Exports `mount(el, props)` and auto-mounts for
 * the two no-code embeds:
 * - `<script src=".../widgets/panel.js" data-concord-account data-concord-token data-concord-api>`
 *   renders into a sibling <div> it creates;
 * - `panel.html?account=...&token=...` (iframe) uses `<script data-concord-from-url>`; the API is
 *   the page's own origin (no `api` parameter, so a crafted link cannot point the panel elsewhere).
 */
import { render } from 'preact';
import { ensureStylesheet, renderConfigError, takeUrlParams } from '../shared/embed.js';
import type { FetchLike } from '../shared/http.js';
import { Panel } from './App.js';
import { createFetchPanelService, type PanelDataService } from './service.js';

export type { PanelDataService } from './service.js';
export type { AccountView, AuditItem } from './types.js';

/** Props of {@link mount}. */
export interface MountProps {
  /** Broker origin, e.g. `http://127.0.0.1:8787`. */
  apiBase: string;
  accountId: string;
  /** Signed, expiring embed token minted by the broker. */
  token: string;
  /** Optional fetch override (tests, hosts with their own transport). */
  fetch?: FetchLike;
  locale?: string;
}

/**
 * Render the panel into `el`, wired to the broker's embed endpoints.
 * @returns a function that unmounts the panel and cancels pending requests.
 */
export function mount(el: HTMLElement, props: MountProps): () => void {
  const service = createFetchPanelService(props);
  return mountWithService(el, service, props.locale);
}

/** Render the panel with any data service (for hosts that already hold the data). */
export function mountWithService(el: HTMLElement, service: PanelDataService, locale?: string): () => void {
  render(<Panel service={service} locale={locale} />, el);
  return () => render(null, el);
}

function autoMount(): void {
  const script = document.currentScript;
  if (!(script instanceof HTMLScriptElement)) return;
  const d = script.dataset;
  if (d['concordAccount'] !== undefined) {
    const el = document.createElement('div');
    el.className = 'concord-panel-host';
    script.insertAdjacentElement('afterend', el);
    ensureStylesheet(script.src);
    const token = d['concordToken'];
    if (!token) return renderConfigError(el, 'data-concord-token is missing.');
    mount(el, { apiBase: d['concordApi'] ?? new URL(script.src).origin, accountId: d['concordAccount'], token });
    return;
  }
  if (d['concordFromUrl'] !== undefined) {
    const el = document.getElementById('concord-panel') ?? document.body;
    const p = takeUrlParams(['account', 'token'], ['token']);
    if (!p['account'] || !p['token']) return renderConfigError(el, 'the page URL needs ?account=...&token=...');
    mount(el, { apiBase: window.location.origin, accountId: p['account'], token: p['token'] });
  }
}

autoMount();
