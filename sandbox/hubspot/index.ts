/** hubspot emulator (placeholder until the hubspot routes land). */
import { Hono } from 'hono';
import type { SandboxState } from '../core/state.js';

export function hubspotApp(_state: SandboxState): Hono {
  return new Hono();
}
