/**
 * Concord broker entry point (Cloudflare Worker). HTTP only for now; queue consumers, workflows
 * and Durable Objects join as the flows land.
 */
import { createApp } from './http/app.js';
import type { Env } from './env.js';

export { ViewCoordinator } from './storage/objects/view-coordinator.js';
export { RateLimiter } from './storage/objects/rate-limiter.js';
export { TokenRefresher } from './storage/objects/token-refresher.js';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
