/** Request-scoped values the HubSpot routes share (set by `hubspotApp`'s auth middleware). */
import type { Context } from 'hono';
import type { HubSpotDataset, SandboxTenant } from '../seed/types.js';
import { invalid } from './errors.js';

/** Hono environment of the HubSpot emulator. */
export type HubSpotEnv = { Variables: { tenant: SandboxTenant; ds: HubSpotDataset } };

/** Parses the JSON body or throws HubSpot's 400 for malformed JSON. */
export async function readJson(c: Context<HubSpotEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw invalid('Invalid input JSON on line 1, column 1: request body is not valid JSON');
  }
}

/** Current instant as HubSpot's ISO timestamp. */
export function nowIso(): string {
  return new Date().toISOString();
}
