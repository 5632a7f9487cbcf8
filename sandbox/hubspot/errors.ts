/**
 * HubSpot's error envelope. Every CRM v3/v4 error carries `status:"error"`, `message`,
 * `correlationId` and `category`; validation errors add `errors[]`.
 * https://developers.hubspot.com/docs/api/error-handling
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** HubSpot error categories the emulator emits. */
export type HubSpotErrorCategory =
  | 'INVALID_AUTHENTICATION'
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'OBJECT_ALREADY_EXISTS'
  | 'CONFLICT'
  | 'RATE_LIMITS';

/** One entry of a VALIDATION_ERROR's `errors` array. */
export interface HubSpotErrorDetail {
  message: string;
  code?: string;
  context?: Record<string, string[]>;
}

/** Thrown by route code; `hubspotApp`'s onError turns it into HubSpot's envelope. */
export class HubSpotError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly category: HubSpotErrorCategory,
    message: string,
    readonly errors?: HubSpotErrorDetail[],
  ) {
    super(message);
  }
}

/** Builds the JSON body HubSpot sends with an error. */
export function errorBody(category: HubSpotErrorCategory, message: string, errors?: HubSpotErrorDetail[]): Record<string, unknown> {
  return { status: 'error', message, correlationId: crypto.randomUUID(), category, ...(errors ? { errors } : {}) };
}

/** Answers with HubSpot's error envelope. */
export function sendError(c: Context, err: HubSpotError): Response {
  return c.json(errorBody(err.category, err.message, err.errors), err.status);
}

/** 404 for an object id that does not exist in the portal. */
export function notFound(type: string, id: string): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', `Object not found.  objectId are usually numeric. (${type} ${id})`);
}

/** 400 VALIDATION_ERROR with a single message. */
export function invalid(message: string, errors?: HubSpotErrorDetail[]): HubSpotError {
  return new HubSpotError(400, 'VALIDATION_ERROR', message, errors);
}
