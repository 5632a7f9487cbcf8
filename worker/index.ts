/**
 * Concord broker entry point (Cloudflare Worker): the HTTP app and the Durable Object classes
 * (view coordinator, rate limiter, token refresher). Queue consumers and workflows join with the
 * write-back flows.
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
