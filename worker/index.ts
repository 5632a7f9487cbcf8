/**
 * Concord broker entry point (Cloudflare Worker). HTTP only for now; queue consumers, workflows
 * and Durable Objects join as the flows land.
 */
import { createApp } from './http/app.js';
import type { Env } from './env.js';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
