/** Starts a sandbox estate for the worker tests (they run inside workerd and call it over HTTP). */
import type { TestProject } from 'vitest/node';
import { createSandbox } from '../../sandbox/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    workerSandboxUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const listener = await createSandbox().listen(0);
  project.provide('workerSandboxUrl', listener.url);
  return async () => listener.close();
}
