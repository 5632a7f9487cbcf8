/** Bindings the worker tests add on top of the broker's own (see vitest.config.mts). */
import type { Env } from '../../worker/env.js';

declare global {
  namespace Cloudflare {
    interface Env extends import('../../worker/env.js').Env {
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
      SANDBOX_URL: string;
    }
  }
}
export type { Env };
