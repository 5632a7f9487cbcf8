/**
 * Typed outcome of a widget API call. Display code switches on `kind` instead of catching
 * exceptions, so every failure has a deliberate, user-readable state (never a blank panel).
 */

/** One field the broker refused, by its dotted path in the request body (`onboarding.milestones.0.name`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Why a request to the broker did not produce usable data. */
export type WidgetError =
  | { kind: 'not_found'; code?: string }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden' }
  | { kind: 'unavailable'; status: number }
  | { kind: 'rejected'; status: number; message: string; /** Field-level problems (`errors[]` of a 422), when the broker names them. */ fields?: FieldProblem[] }
  | { kind: 'network' }
  | { kind: 'invalid'; message: string };

/** Either the parsed value or a classified error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WidgetError };

/** Plain-words explanation of an error for the people who see it (CSMs, admins). */
export function describeError(error: WidgetError): string {
  switch (error.kind) {
    case 'not_found':
      return 'Not found.';
    case 'unauthorized':
      return 'Your session has expired. Reload the page to sign in again.';
    case 'forbidden':
      return 'You do not have access to this.';
    case 'unavailable':
      return `The Concord service is temporarily unavailable (HTTP ${error.status}). Try again in a moment.`;
    case 'rejected':
      return error.message;
    case 'network':
      return 'Could not reach Concord. Check your connection and try again.';
    case 'invalid':
      return `Concord sent data this page does not understand (${error.message}).`;
  }
}
