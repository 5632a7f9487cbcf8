/** The hono context type shared by routes and middleware. */
import type { Env } from '../env.js';
import type { Logger } from '../ops/log.js';
import type { Trace } from '../ops/trace.js';

export interface RequestContext {
  correlationId: string;
  log: Logger;
  /** Set by the tenant-auth middleware. */
  tenantId: string;
  /** Who is acting, for the audit log: 'api_key:<label>' or 'operator'. */
  actor: string;
  /** SHA-256 of the API key that authenticated this request (unset for a session cookie). */
  apiKeyHash?: string;
  /** Set on the view and card answers (middleware/server-timing.ts). */
  trace?: Trace;
}

export type AppEnv = { Bindings: Env; Variables: RequestContext };
