/**
 * NetSuite change events pushed by Concord's SuiteScript (extensions/netsuite, a user event script
 * whose `afterSubmit` posts one small signed JSON event per saved record). Pure: the body schema
 * and the signature check, no bindings and no hono, so the route (added later) stays thin and the
 * unit tests run the same vector as the script's Jest test.
 *
 * Wire format (extensions/netsuite/README.md):
 *   POST <broker>/v1/webhooks/netsuite
 *   X-Concord-Account-Id: <NetSuite account id, runtime.accountId>
 *   X-Concord-Timestamp:  <epoch ms>
 *   X-Concord-Signature:  base64(HMAC-SHA256(secret, POST\npathWithQuery\ntimestamp\nbody))
 *   {accountId, recordType, recordId, eventType, lastModified, eventId}
 * The scheme is Concord's own callout signature (signature-verify.ts `concordStringToSign`, the
 * same as the Salesforce package's); the secret is the account's, held in NetSuite as an API
 * secret. The account id header selects the secret (and so the tenant); the body must name the
 * same account.
 */
import { z } from 'zod';
import { zodIssues, type FieldIssue } from '../../errors.js';
import { concordStringToSign, timestampProblem, verifyHmacBase64 } from '../../http/middleware/signature-verify.js';

/** Where the script posts (below the broker's public base URL). */
export const NETSUITE_EVENT_PATH = '/v1/webhooks/netsuite';

/** Header names (lower-case, as `Headers.get` and hono read them). */
export const NETSUITE_EVENT_HEADERS = {
  accountId: 'x-concord-account-id',
  timestamp: 'x-concord-timestamp',
  signature: 'x-concord-signature',
} as const;

/** One event is ~250 bytes; anything near this is not the script's. */
export const MAX_NETSUITE_EVENT_BYTES = 4096;

/**
 * The record types the script is deployed on, by their SuiteScript internal ids (`newRecord.type`),
 * e.g. https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_N3194809.html (invoice),
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_N3193748.html (customerpayment).
 * `subscription` is SuiteBilling's subscription, the contract
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1493328447.html).
 */
export const NETSUITE_EVENT_RECORD_TYPES = ['invoice', 'customerpayment', 'creditmemo', 'salesorder', 'subscription', 'customer'] as const;

/**
 * `context.UserEventType` values that reach `afterSubmit`
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4407992281.html).
 * The script sends only these; view/copy/print never reach afterSubmit.
 */
export const NETSUITE_EVENT_TYPES = ['create', 'edit', 'xedit', 'delete', 'approve', 'reject', 'cancel', 'pack', 'ship', 'dropship', 'specialorder', 'orderitems', 'paybills'] as const;

/** `runtime.accountId`: e.g. `1234567`, `TSTDRV1234567`, `1234567_SB1`. */
export const NETSUITE_ACCOUNT_ID = /^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/;

/** The event body. Strict: a field the script does not send is an error, not a silent drop. */
export const NetSuiteEventSchema = z
  .object({
    accountId: z.string().max(40).regex(NETSUITE_ACCOUNT_ID, 'expected a NetSuite account id such as 1234567 or 1234567_SB1'),
    recordType: z.enum(NETSUITE_EVENT_RECORD_TYPES),
    /** NetSuite internal ids are positive integers; sent as text. */
    recordId: z.string().regex(/^[1-9]\d{0,18}$/, 'expected a NetSuite internal id (digits)'),
    eventType: z.enum(NETSUITE_EVENT_TYPES),
    /** The record's lastmodifieddate, or when the script ran (delete), UTC ISO 8601. */
    lastModified: z.iso.datetime({ offset: false }),
    /** One id per script execution (N/crypto/random UUID); a retried or duplicated post repeats it. */
    eventId: z.string().min(8).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'expected letters, digits and . _ : -'),
  })
  .strict();

export type NetSuiteEvent = z.infer<typeof NetSuiteEventSchema>;

/** Parse a decoded JSON value as an event: field issues with stable paths and zod codes. */
export function parseNetSuiteEvent(value: unknown): { ok: true; event: NetSuiteEvent } | { ok: false; issues: FieldIssue[] } {
  const parsed = NetSuiteEventSchema.safeParse(value);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, issues: zodIssues(parsed.error.issues) };
}

/** What the route needs from the request. Header values as received (undefined when absent). */
export interface NetSuiteEventRequest {
  method: string;
  /** Path and query as the script signed them (signature-verify.ts `signedUri`). */
  pathWithQuery: string;
  accountId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
}

/**
 * The verdict on one request:
 * - `signature`: refuse with 401 `invalid_signature` (the script logs it and does not retry);
 * - `validation`: signed by the account but not a valid event: 400 (not JSON, too large) or 422;
 * - `ok`: the event, from the account named in the header.
 */
export type NetSuiteEventVerdict =
  | { ok: true; event: NetSuiteEvent }
  | { ok: false; kind: 'signature'; reason: string }
  | { ok: false; kind: 'validation'; status: 400 | 422; issues: FieldIssue[] };

/** The account id header, checked for shape before it is used to look up a secret. */
export function netsuiteAccountIdHeader(value: string | undefined): string | null {
  return value && value.length <= 40 && NETSUITE_ACCOUNT_ID.test(value) ? value : null;
}

/**
 * Verifies a pushed event: account header, timestamp window (5 min back, 1 min ahead), HMAC over
 * the raw body with any of `secrets` (several during a rotation; constant-time per secret), then
 * the body's shape and that it names the header's account. Nothing is parsed before the
 * signature holds. `secrets` are the header account's; empty when none is registered.
 */
export async function verifyNetSuiteEvent(req: NetSuiteEventRequest, secrets: readonly string[], nowMs: number): Promise<NetSuiteEventVerdict> {
  const accountId = netsuiteAccountIdHeader(req.accountId);
  if (!accountId) return { ok: false, kind: 'signature', reason: 'Missing or malformed X-Concord-Account-Id header.' };
  if (!req.signature) return { ok: false, kind: 'signature', reason: 'Missing X-Concord-Signature header.' };
  const stale = timestampProblem(req.timestamp, nowMs);
  if (stale) return { ok: false, kind: 'signature', reason: `X-Concord-Timestamp refused: ${stale}.` };
  if (secrets.length === 0) return { ok: false, kind: 'signature', reason: 'No signing secret is registered for this NetSuite account.' };
  if (req.body.length > MAX_NETSUITE_EVENT_BYTES) {
    return { ok: false, kind: 'validation', status: 400, issues: [{ path: '(body)', message: `at most ${MAX_NETSUITE_EVENT_BYTES} bytes`, code: 'too_big' }] };
  }
  const signed = await verifyHmacBase64(secrets, concordStringToSign(req.method, req.pathWithQuery, req.timestamp!, req.body), req.signature);
  if (!signed) return { ok: false, kind: 'signature', reason: 'X-Concord-Signature does not match this request.' };

  let value: unknown;
  try {
    value = JSON.parse(req.body) as unknown;
  } catch {
    return { ok: false, kind: 'validation', status: 400, issues: [{ path: '(body)', message: 'invalid JSON', code: 'invalid_json' }] };
  }
  const parsed = parseNetSuiteEvent(value);
  if (!parsed.ok) return { ok: false, kind: 'validation', status: 422, issues: parsed.issues };
  if (parsed.event.accountId !== accountId) {
    return { ok: false, kind: 'validation', status: 422, issues: [{ path: 'accountId', message: 'must equal the X-Concord-Account-Id header', code: 'account_mismatch' }] };
  }
  return { ok: true, event: parsed.event };
}
