/**
 * Private sandbox estates for test/worker/netsuite-connector.test.ts and
 * test/worker/vitally-connector.test.ts: those files inject faults, move the sandbox clock,
 * shrink NetSuite's concurrency pool and count requests, all global to a sandbox, so each gets
 * its own estate instead of the one other worker test files share (test/support/worker-sandbox.ts).
 */
import type { TestProject } from 'vitest/node';
import { createSandbox } from '../../sandbox/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    netsuiteConnectorSandboxUrl: string;
    vitallyConnectorSandboxUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const netsuite = await createSandbox().listen(0);
  const vitally = await createSandbox().listen(0);
  project.provide('netsuiteConnectorSandboxUrl', netsuite.url);
  project.provide('vitallyConnectorSandboxUrl', vitally.url);
  return async () => {
    await netsuite.close();
    await vitally.close();
  };
}
