/**
 * NetSuite REST error responses: `{type, title, status, "o:errorDetails":[{detail, "o:errorCode",
 * "o:errorPath"? | "o:errorQueryParam"? | "o:errorUrl"?}]}` served as `application/vnd.oracle.resource+json; type=error`
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const TITLES: Partial<Record<number, [string, string]>> = {
  400: ['Bad Request', 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1'],
  401: ['Unauthorized', 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2'],
  404: ['Not Found', 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5'],
  405: ['Method Not Allowed', 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6'],
  413: ['Content Too Large', 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.14'],
  500: ['Internal Server Error', 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1'],
};

/** Where an error points: a body field, a query parameter or the resource URL. */
export type PathKind = 'path' | 'query' | 'url';
const PATH_FIELDS: Readonly<Record<PathKind, string>> = { path: 'o:errorPath', query: 'o:errorQueryParam', url: 'o:errorUrl' };

/** NetSuite error codes the emulator uses. */
export type NetSuiteErrorCode =
  | 'INVALID_LOGIN'
  | 'INVALID_LOGIN_ATTEMPT'
  | 'INVALID_PARAMETER'
  | 'USER_ERROR'
  | 'NONEXISTENT_ID'
  | 'INVALID_CONTENT'
  | 'INVALID_KEY_OR_REF'
  | 'INVALID_FIELD'
  | 'METHOD_NOT_ALLOWED'
  | 'UNEXPECTED_ERROR'
  | 'RECORD_HAS_DEPENDENTS';

/** A NetSuite-shaped error raised by record handlers and turned into a response by `nsError`. */
export class NetSuiteError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: NetSuiteErrorCode,
    message: string,
    readonly path?: string,
    /** `o:errorPath` names a body field, `o:errorQueryParam` a query parameter, `o:errorUrl` the resource. */
    readonly pathKind: PathKind = 'path',
  ) {
    super(message);
    this.name = 'NetSuiteError';
  }
}

/** Build a NetSuite error response. */
export function nsError(c: Context, status: ContentfulStatusCode, code: NetSuiteErrorCode, detail: string, path?: string, pathKind: PathKind = 'path'): Response {
  const [title, type] = TITLES[status] ?? ['Error', 'https://www.rfc-editor.org/rfc/rfc9110.html'];
  const where = path ? { [PATH_FIELDS[pathKind]]: path } : {};
  const body = { type, title, status, 'o:errorDetails': [{ detail, ...where, 'o:errorCode': code }] };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/vnd.oracle.resource+json; type=error' });
}

/** The 401 NetSuite answers for a missing, invalid or wrong-vendor token. */
export function nsUnauthorized(c: Context): Response {
  return nsError(c, 401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.');
}
