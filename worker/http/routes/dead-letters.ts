/**
 * The tenant's dead-letter store (mounted at /v1/tenants/:tenant/dead-letters): what could not be
 * applied after its retries, with the reason, and a replay that puts it back on its queue. The
 * consumer's idempotency claim still applies, so replaying twice, or replaying something a
 * duplicate delivery applied meanwhile, changes nothing twice.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { getDeadLetter, listDeadLetters, markReplayedStatement } from '../../storage/events.js';
import { ChangeMessageSchema } from '../../queues/messages.js';
import { resumeClosedWon } from '../../flows/closed-won/intake.js';
import type { AppEnv } from '../context.js';
import { query } from '../validate.js';

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(100) });
const ID = /^dl_[0-9a-f]{24}$/;
/** The payload of a flow run's dead letter (flows/closed-won/workflow.ts). */
const FlowLetterSchema = z.object({ runId: z.string().min(1).max(64), step: z.string().min(1).max(64) }).passthrough();

export function deadLetterRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/', async (c) => {
    const q = query(c, ListQuery);
    return c.json({ items: await listDeadLetters(c.env.DB, c.get('tenantId'), q.limit) });
  });

  r.post('/:id/replay', async (c) => {
    const tenantId = c.get('tenantId');
    const id = c.req.param('id');
    const letter = ID.test(id) ? await getDeadLetter(c.env.DB, tenantId, id) : null;
    if (!letter) fail({ kind: 'not_found', entity: 'dead_letter', id: id.slice(0, 40) });
    if (letter.kind === 'flow.closed-won') {
      // A flow run that exhausted a step's retries waits for this: it runs that step again.
      const run = FlowLetterSchema.safeParse(letter.payload);
      if (!run.success) fail({ kind: 'conflict', message: 'This dead letter does not name a flow run; it stays in the store for inspection.' });
      const out = await resumeClosedWon(c.env, tenantId, run.data.runId, { reason: 'replay', by: c.get('actor') }, c.get('correlationId'));
      await c.env.DB.batch([
        markReplayedStatement(c.env.DB, tenantId, id),
        auditStatement(c.env.DB, { tenantId, actor: c.get('actor'), action: 'dead_letter.replay', entityType: 'dead_letter', entityId: id, after: { kind: letter.kind, runId: run.data.runId, step: run.data.step, run: out.status }, correlationId: c.get('correlationId') }),
      ]);
      return c.json({ id, status: 'replayed', runId: run.data.runId }, 202);
    }
    const message = ChangeMessageSchema.safeParse(letter.payload);
    if (!message.success) {
      // A malformed message stays in the store for a person; replaying it would fail the same way.
      fail({ kind: 'conflict', message: 'This dead letter is not a replayable message; it stays in the store for inspection.' });
    }
    await c.env.EVENTS.send(message.data, { contentType: 'json' });
    await c.env.DB.batch([
      markReplayedStatement(c.env.DB, tenantId, id),
      auditStatement(c.env.DB, {
        tenantId,
        actor: c.get('actor'),
        action: 'dead_letter.replay',
        entityType: 'dead_letter',
        entityId: id,
        after: { kind: letter.kind, previousStatus: letter.status, eventCorrelationId: message.data.correlationId },
        correlationId: c.get('correlationId'),
      }),
    ]);
    c.get('log').info('dead_letter.replayed', { deadLetter: id, eventCorrelationId: message.data.correlationId });
    return c.json({ id, status: 'replayed' }, 202);
  });

  return r;
}
