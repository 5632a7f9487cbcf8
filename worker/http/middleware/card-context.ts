/**
 * Context of requests from embedded CRM surfaces (HubSpot card, Salesforce component): who called
 * (the verified CRM account and user), the tenant it maps to, and the raw body the signature
 * covered. Also the 401 problem every signature failure answers with.
 */
import type { Context } from 'hono';
import type { Env } from '../../env.js';
import type { RequestContext } from '../context.js';
import { readBodyLimited } from '../body.js';

/** The verified caller: the CRM account the signature proves, never a value the query chose. */
export interface CardCaller {
  system: 'hubspot' | 'salesforce';
  /** HubSpot portal (hub) id or Salesforce org id. */
  externalAccount: string;
  /** The CRM user HubSpot names (`userId`), when known. */
  userId: string | null;
}

export type CardEnv = {
  Bindings: Env;
  Variables: RequestContext & { caller: CardCaller; rawBody: string };
};

/** Bodies of card requests are small (a task is a few hundred bytes); HubSpot caps them at 1 MB. */
export const MAX_CARD_BODY_BYTES = 64 * 1024;

/**
 * 401 `invalid_signature` as application/problem+json. `detail` names what was wrong (missing
 * header, stale timestamp, mismatch) and never the expected value.
 */
export function invalidSignature(c: Context, detail: string): Response {
  const correlationId = c.get('correlationId') as string | undefined;
  return new Response(
    JSON.stringify({
      type: 'https://concord.dev/problems/invalid-signature',
      title: 'The request signature could not be verified',
      status: 401,
      code: 'invalid_signature',
      detail,
      correlationId,
    }),
    { status: 401, headers: { 'content-type': 'application/problem+json', ...(correlationId ? { 'x-correlation-id': correlationId } : {}) } },
  );
}

/** The raw body as text (what the caller signed), or null when it is larger than `maxBytes`. */
export async function readRawBody(c: Context, maxBytes: number = MAX_CARD_BODY_BYTES): Promise<string | null> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return '';
  return readBodyLimited(c.req.raw, maxBytes);
}
