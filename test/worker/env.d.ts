/** Bindings the worker tests see: the broker's own plus what vitest.config.mts adds. */
import type { D1Migration } from 'cloudflare:test';
import type { Env as ConcordEnv } from '../../worker/env.js';

declare global {
  namespace Cloudflare {
    interface Env extends ConcordEnv {
      TEST_MIGRATIONS: D1Migration[];
      SANDBOX_URL: string;
    }
  }
}
