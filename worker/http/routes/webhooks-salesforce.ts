/**
 * The Salesforce package's closed-won callout (extensions/salesforce `ConcordClosedWonCallout`),
 * mounted at /v1/webhooks/salesforce: `POST /closed-won` with
 * `{opportunityId, accountId, amount, closeDate, currency, idempotencyKey}`, signed with the org's
 * inbound secret (per-org secret, 5 min timestamp window, constant-time check; the org selects the
 * tenant). It starts the deal's ClosedWonToOrder run, whose id is derived from the org and the
 * Opportunity, so the package's retries and duplicates never start a second one, and answers 202
 * at once: the order itself is made by the Workflow.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail, zodIssues } from '../../errors.js';
import { startClosedWon } from '../../flows/closed-won/intake.js';
import { to18 } from '../../services/salesforce-ids.js';
import type { CardEnv } from '../middleware/card-context.js';
import { salesforceSignature } from '../middleware/salesforce-signature.js';
import { parseJsonText } from '../validate.js';

const SfId = z.string().regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/, 'a 15- or 18-character Salesforce id');

/** What ConcordClosedWonCallout.payload sends. */
const ClosedWonCalloutSchema = z
  .object({
    opportunityId: SfId.refine((id) => id.startsWith('006'), 'an Opportunity id (006...)'),
    accountId: SfId.nullable(),
    amount: z.number().finite().nullable(),
    closeDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    idempotencyKey: z.string().min(1).max(255),
  })
  .strict();

export function salesforceWebhookRoutes() {
  const r = new Hono<CardEnv>();
  r.use('*', salesforceSignature());
  r.post('/closed-won', async (c) => {
    const parsed = ClosedWonCalloutSchema.safeParse(parseJsonText(c.get('rawBody')));
    if (!parsed.success) fail({ kind: 'validation', status: 422, message: 'Not a closed-won callout', issues: zodIssues(parsed.error.issues) });
    const caller = c.get('caller');
    const started = await startClosedWon(
      c.env,
      {
        tenantId: c.get('tenantId'),
        source: 'salesforce',
        externalAccount: caller.externalAccount,
        dealId: to18(parsed.data.opportunityId),
        correlationId: c.get('correlationId'),
        trigger: 'callout',
      },
      c.get('actor'),
    );
    c.get('log').info('salesforce_closed_won.received', { runId: started.runId, started: started.started });
    return c.json(started, 202);
  });
  return r;
}
