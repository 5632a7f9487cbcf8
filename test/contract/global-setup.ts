/**
 * Vitest globalSetup for contract tests: one sandbox on an ephemeral port for the whole run,
 * its URL handed to tests through `inject('sandboxUrl')`. The anchor date is pinned so counts
 * and dates are the same on every run; tests that need "today" read it from /__sandbox/health.
 */
import type { TestProject } from 'vitest/node';
import { createSandbox } from '../../sandbox/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sandboxUrl: string;
  }
}

/** Anchor date used by the contract suite (override with SANDBOX_ANCHOR_DATE). */
export const CONTRACT_ANCHOR_DATE = process.env.SANDBOX_ANCHOR_DATE ?? '2026-11-26';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sandbox = createSandbox({ anchorDate: CONTRACT_ANCHOR_DATE });
  const listener = await sandbox.listen(0);
  project.provide('sandboxUrl', listener.url);
  return () => listener.close();
}
