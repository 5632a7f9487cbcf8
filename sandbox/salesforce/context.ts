/** Request-scoped values the Salesforce routes share (set by `salesforceApp`'s middleware). */
import type { Context } from 'hono';
import type { SalesforceDataset, SandboxTenant } from '../seed/types.js';
import { SalesforceError } from './errors.js';
import { resolveSObject, type SObjectType } from './schema.js';

/** Hono environment of the Salesforce emulator. */
export type SalesforceEnv = { Variables: { tenant: SandboxTenant; ds: SalesforceDataset; today: string } };

/**
 * API versions the org serves: 31.0 (Summer '14) to 66.0 (Spring '26). Salesforce retired 7.0
 * to 30.0 in Summer '25; every later version stays available, and clients often pin old ones
 * (jsforce defaults to 50.0).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
 */
export const API_VERSIONS: readonly string[] = Array.from({ length: 66 - 31 + 1 }, (_, i) => `${31 + i}.0`);

/** The `vXX.X` path segment's version, or 404 NOT_FOUND for one the org does not serve. */
export function apiVersion(c: Context<SalesforceEnv>): string {
  const raw = c.req.param('version') ?? '';
  const v = raw.replace(/^v/, '');
  if (!raw.startsWith('v') || !API_VERSIONS.includes(v)) throw new SalesforceError(404, 'NOT_FOUND', `The requested resource does not exist (API version ${raw})`);
  return v;
}

/** The path's sObject type, or 404 NOT_FOUND as Salesforce answers for an unknown type. */
export function sobjectParam(c: Context<SalesforceEnv>, name = 'type'): SObjectType {
  const raw = c.req.param(name) ?? '';
  const type = resolveSObject(raw);
  if (!type) throw new SalesforceError(404, 'NOT_FOUND', `The requested resource does not exist: sObject type '${raw}' is not supported.`);
  return type;
}

/** Parses the JSON body or throws JSON_PARSER_ERROR. */
export async function readJson(c: Context<SalesforceEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'Unexpected character in the request body: it is not valid JSON');
  }
}
