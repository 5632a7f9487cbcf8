/**
 * `POST /v1/webhooks/netsuite`: the NetSuite event script's signed change events
 * (extensions/netsuite, connectors/netsuite/events.ts for the wire format). The account id
 * header selects the account's signing secret and so the tenant (the secret is issued only for
 * the account the tenant's NetSuite connection proved); the body must name the same account.
 * 401 `invalid_signature` for an unknown account, a bad or stale signature; 400 for a body that is
 * not JSON or too large; 422 naming each bad field. A valid event becomes one canonical
 * `erp.change` message on the queue and is answered 202 at once: the event is only a pointer, the
 * consumer reads the record back (worker/flows/account-changes).
 */
import { Hono } from 'hono';
import { config } from '../../env.js';
import { fail } from '../../errors.js';
import { netsuiteChange } from '../../connectors/netsuite/changes.js';
import { NETSUITE_EVENT_HEADERS, netsuiteAccountIdHeader, verifyNetSuiteEvent } from '../../connectors/netsuite/events.js';
import { enqueueChanges } from '../../queues/enqueue.js';
import { inboundSecretsFor } from '../../storage/inbound-secrets.js';
import type { AppEnv } from '../context.js';
import { invalidSignature, readRawBody } from '../middleware/card-context.js';
import { signedUri } from '../middleware/signature-verify.js';

/** Far above one event (~250 bytes); larger bodies are refused before they are read. */
const MAX_BODY_BYTES = 64 * 1024;

export function netsuiteWebhookRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/', async (c) => {
    const header = netsuiteAccountIdHeader(c.req.header(NETSUITE_EVENT_HEADERS.accountId));
    // NetSuite writes account ids in either case; Concord keeps them upper-case.
    const registered = header ? await inboundSecretsFor(c.env, 'netsuite', header.toUpperCase()) : null;
    if (registered?.unreadable) {
      c.get('log').error('netsuite_event.secret_unreadable', { tenant: registered.tenantId });
      fail({ kind: 'conflict', code: 'inbound_secret_unreadable', message: 'The signing secret of this NetSuite account cannot be opened. An admin must issue a new one (POST /v1/tenants/:tenant/inbound-secrets/netsuite) and store it in NetSuite.' });
    }
    const body = await readRawBody(c, MAX_BODY_BYTES);
    if (body === null) fail({ kind: 'validation', status: 400, message: 'Body too large', issues: [{ path: '(body)', message: `at most ${MAX_BODY_BYTES} bytes`, code: 'too_big' }] });
    const verdict = await verifyNetSuiteEvent(
      {
        method: c.req.method,
        pathWithQuery: signedUri(c.req.url, config(c.env).CONCORD_PUBLIC_URL).pathWithQuery,
        accountId: c.req.header(NETSUITE_EVENT_HEADERS.accountId),
        timestamp: c.req.header(NETSUITE_EVENT_HEADERS.timestamp),
        signature: c.req.header(NETSUITE_EVENT_HEADERS.signature),
        body: body!,
      },
      registered?.secrets ?? [],
      Date.now(),
    );
    if (!verdict.ok && verdict.kind === 'signature') {
      c.get('log').warn('netsuite_event.refused', { reason: verdict.reason });
      return invalidSignature(c, verdict.reason);
    }
    if (!verdict.ok) return fail({ kind: 'validation', status: verdict.status, message: 'Not a Concord NetSuite event', issues: verdict.issues });
    const tenantId = registered!.tenantId;
    const message = await netsuiteChange(verdict.event, tenantId, c.get('correlationId'));
    await enqueueChanges(c.env, [message]);
    c.get('log').with({ tenant: tenantId }).info('netsuite_event.enqueued', { recordType: message.recordType, recordId: message.recordId, eventType: message.eventType });
    return c.json({ accepted: true, eventId: verdict.event.eventId }, 202);
  });
  return r;
}
