/** Request-scoped values the Salesforce routes share (set by `salesforceApp`'s middleware). */
import type { Context } from 'hono';
import type { SalesforceDataset, SandboxTenant } from '../seed/types.js';
import { SalesforceError } from './errors.js';
import { resolveSObject, type SObjectType } from './schema.js';

/** Hono environment of the Salesforce emulator. */
export type SalesforceEnv = { Variables: { tenant: SandboxTenant; ds: SalesforceDataset; today: string } };

/** API versions the emulator answers for (jsforce defaults to a recent one). */
export const API_VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0', '63.0', '64.0', '65.0'];

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
