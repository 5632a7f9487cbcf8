/**
 * The one HTTP helper the widgets use: JSON in, `Result` out. Non-2xx answers are classified
 * (RFC 9457 problem+json `detail`/`title` and the broker's stable `code` are kept for display);
 * it never throws, so components cannot crash on a bad response.
 */
import type { Result, WidgetError } from './result.js';

/** The subset of `fetch` the widgets need; injected so tests and hosts can replace it. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Perform a request and parse a JSON body. 204/empty bodies yield `null`.
 * @param fetchFn injected fetch
 * @param url absolute URL
 * @param init request options (headers, method, body, credentials)
 */
export async function requestJson(fetchFn: FetchLike, url: string, init: RequestInit = {}): Promise<Result<unknown>> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, headers: { accept: 'application/json', ...headersToObject(init.headers) } });
  } catch {
    // DNS, CORS, offline or abort: all mean "no answer". Callers ignore results after their own abort.
    return { ok: false, error: { kind: 'network' } };
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      if (res.ok) return { ok: false, error: { kind: 'invalid', message: 'response is not JSON' } };
    }
  }
  if (res.ok) return { ok: true, value: body };
  return { ok: false, error: classify(res.status, body) };
}

function classify(status: number, body: unknown): WidgetError {
  const problem = isRecord(body) ? body : {};
  const code = typeof problem['code'] === 'string' ? problem['code'] : undefined;
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 403) return { kind: 'forbidden' };
  if (status === 404) return code === undefined ? { kind: 'not_found' } : { kind: 'not_found', code };
  if (status >= 500 || status === 429) return { kind: 'unavailable', status };
  const detail = problem['detail'] ?? problem['title'] ?? problem['message'];
  const fields = Array.isArray(problem['errors'])
    ? problem['errors'].filter(isRecord).flatMap((e) => (typeof e['path'] === 'string' && typeof e['message'] === 'string' ? [{ path: e['path'], message: e['message'] }] : []))
    : [];
  return {
    kind: 'rejected',
    status,
    message: typeof detail === 'string' ? detail : `Request rejected (HTTP ${status}).`,
    ...(fields.length > 0 ? { fields } : {}),
  };
}

function headersToObject(h: HeadersInit | undefined): Record<string, string> {
  if (h === undefined) return {};
  if (h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h);
  return { ...h };
}

/** Narrow `unknown` to a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Join a base URL (with or without trailing slash) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
