/**
 * Starts the estate exactly as `npm start` does (sandbox + `wrangler dev` on workerd), on free
 * ports with a throwaway state directory, and hands the URLs and keys to the e2e tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startEstate } from '../../scripts/estate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    brokerUrl: string;
    estateSandboxUrl: string;
    demoKey: string;
    otherKey: string;
  }
}

export default async function setup(project: TestProject) {
  const persistDir = mkdtempSync(join(tmpdir(), 'concord-e2e-'));
  // No timer-driven Cron Trigger: the change tests fire it themselves (/__scheduled), when they mean to.
  const estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir, cronIntervalMs: 0 });
  project.provide('brokerUrl', estate.brokerUrl);
  project.provide('estateSandboxUrl', estate.sandboxUrl);
  project.provide('demoKey', estate.tenants.demo.apiKey);
  project.provide('otherKey', estate.tenants.other.apiKey);
  return async () => {
    await estate.stop();
    rmSync(persistDir, { recursive: true, force: true });
  };
}
