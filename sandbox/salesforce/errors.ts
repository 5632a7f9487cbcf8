/**
 * Salesforce REST error shape: a JSON array of `{message, errorCode, fields?}`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One entry of a Salesforce error array. */
export interface SalesforceErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** Thrown by route code; `salesforceApp`'s onError answers with `[{message, errorCode, fields}]`. */
export class SalesforceError extends Error {
  readonly items: SalesforceErrorItem[];
  constructor(
    readonly status: ContentfulStatusCode,
    errorCode: string,
    message: string,
    fields?: string[],
  ) {
    super(message);
    this.items = [{ message, errorCode, ...(fields ? { fields } : {}) }];
  }

  /** The first error's code (most answers carry one). */
  get errorCode(): string {
    return this.items[0]?.errorCode ?? 'UNKNOWN_EXCEPTION';
  }
}

/** 404 NOT_FOUND as the REST API answers for a missing record or resource. */
export function notFound(message = 'The requested resource does not exist'): SalesforceError {
  return new SalesforceError(404, 'NOT_FOUND', message);
}

/** 400 MALFORMED_QUERY for SOQL that does not parse. */
export function malformed(message: string): SalesforceError {
  return new SalesforceError(400, 'MALFORMED_QUERY', message);
}

/** 400 INVALID_FIELD for an unknown column. */
export function invalidField(field: string, entity: string): SalesforceError {
  return new SalesforceError(
    400,
    'INVALID_FIELD',
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}
