/** salesforce emulator (placeholder until the salesforce routes land). */
import { Hono } from 'hono';
import type { SandboxState } from '../core/state.js';

export function salesforceApp(_state: SandboxState): Hono {
  return new Hono();
}
