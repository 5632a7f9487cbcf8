/**
 * The panel's data service: the only place that knows the broker's embed endpoints. Display
 * components receive an object with this interface, so hosts and tests can inject their own.
 */
import { joinUrl, requestJson, type FetchLike } from '../shared/http.js';
import type { Result } from '../shared/result.js';
import { parseAccountView, parseAudit } from './parse.js';
import type { AccountView, AuditItem } from './types.js';

/** What the panel needs from the broker. */
export interface PanelDataService {
  /** The account 360 view; `not_found` means the account is not linked. */
  loadView(signal?: AbortSignal): Promise<Result<AccountView>>;
  /** Recent changes from the audit log, newest first. */
  loadAudit(signal?: AbortSignal): Promise<Result<AuditItem[]>>;
}

/** Options for the fetch-based service. */
export interface FetchPanelServiceOptions {
  apiBase: string;
  accountId: string;
  /** Signed, expiring embed token minted by the broker. */
  token: string;
  fetch?: FetchLike;
}

/**
 * Service over `GET {apiBase}/v1/embed/accounts/{id}/view` and `/audit` with a bearer embed token.
 * No cookies are sent: the token alone authorises the embed, so it works cross-site and in iframes.
 */
export function createFetchPanelService(opts: FetchPanelServiceOptions): PanelDataService {
  const fetchFn: FetchLike = opts.fetch ?? ((u, i) => globalThis.fetch(u, i));
  const base = joinUrl(opts.apiBase, `/v1/embed/accounts/${encodeURIComponent(opts.accountId)}`);
  const get = (path: string, signal?: AbortSignal) =>
    requestJson(fetchFn, base + path, {
      headers: { authorization: `Bearer ${opts.token}` },
      credentials: 'omit',
      ...(signal ? { signal } : {}),
    });
  return {
    async loadView(signal) {
      const r = await get('/view', signal);
      return r.ok ? parseAccountView(r.value) : r;
    },
    async loadAudit(signal) {
      const r = await get('/audit', signal);
      return r.ok ? parseAudit(r.value) : r;
    },
  };
}
