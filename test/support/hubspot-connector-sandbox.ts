/**
 * A private sandbox estate for test/worker/hubspot-connector.test.ts: that file injects faults,
 * burns HubSpot's rate window and counts requests, all global to a sandbox, so it must not share
 * the estate other worker test files use in parallel (test/support/worker-sandbox.ts).
 */
import type { TestProject } from 'vitest/node';
import { createSandbox } from '../../sandbox/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    hubspotConnectorSandboxUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const listener = await createSandbox().listen(0);
  project.provide('hubspotConnectorSandboxUrl', listener.url);
  return async () => listener.close();
}
