/**
 * Correlation id: accepted from `x-correlation-id` when well-formed, generated otherwise, echoed on
 * the response, put on every log line and passed to every upstream call.
 */
import type { MiddlewareHandler } from 'hono';
import { config } from '../../env.js';
import { createLogger } from '../../ops/log.js';
import type { AppEnv } from '../context.js';

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export const correlation = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const given = c.req.header('x-correlation-id');
  const correlationId = given && WELL_FORMED.test(given) ? given : crypto.randomUUID();
  c.set('correlationId', correlationId);
  let level: 'debug' | 'info' | 'warn' | 'error' = 'info';
  try {
    level = config(c.env).CONCORD_LOG_LEVEL;
  } catch {
    // A broken configuration is reported by onError on first use; logging must still work.
  }
  const log = createLogger(level, { correlationId });
  c.set('log', log);
  const started = Date.now();
  await next();
  c.header('x-correlation-id', correlationId);
  log.info('request', { method: c.req.method, path: new URL(c.req.url).pathname, status: c.res.status, ms: Date.now() - started });
};
