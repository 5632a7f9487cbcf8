/**
 * Concord broker entry point (Cloudflare Worker): the HTTP app, the queue consumers (change
 * events and their dead-letter queue) and the Durable Object classes (view coordinator, rate
 * limiter, token refresher) and the Workflow classes (closed-won to order).
 */
import { createApp } from './http/app.js';
import type { Env } from './env.js';
import { consumeEvents } from './queues/consumer.js';
import { consumeDeadLetters } from './queues/dead-letter.js';
import { EVENTS_DLQ, EVENTS_QUEUE } from './queues/messages.js';
import { consumeSync } from './queues/sync.js';
import { SYNC_QUEUE } from './services/sync-runs/index.js';

export { ViewCoordinator } from './storage/objects/view-coordinator.js';
export { RateLimiter } from './storage/objects/rate-limiter.js';
export { TokenRefresher } from './storage/objects/token-refresher.js';
export { ClosedWonToOrder } from './flows/closed-won/workflow.js';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === EVENTS_QUEUE) return consumeEvents(batch, env);
    if (batch.queue === EVENTS_DLQ) return consumeDeadLetters(batch, env);
    if (batch.queue === SYNC_QUEUE) return consumeSync(batch, env);
    // A queue this Worker does not know: leave every message unacked so it is redelivered
    // (and dead-lettered) rather than silently dropped.
    console.error(JSON.stringify({ level: 'error', msg: 'queue.unknown', queue: batch.queue }));
    batch.retryAll();
  },
} satisfies ExportedHandler<Env>;
