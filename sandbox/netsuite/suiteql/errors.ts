/**
 * Error raised for any SuiteQL the emulator cannot run; the route turns it into NetSuite's 400
 * `INVALID_PARAMETER` with `o:errorQueryParam: "q"` and the detail prefixed with "Invalid search
 * query. Detailed unprocessed description follows." — the shape real accounts answer (e.g.
 * "… Search error occurred: Unknown identifier 'x'. Available identifiers are: {customer=customer}."
 * and "… Invalid search type: customers."; see the README in test/fixtures/netsuite/).
 */
export class SuiteQlError extends Error {
  /** NetSuite's error code for a bad query. */
  readonly errorCode: 'INVALID_PARAMETER' | 'USER_ERROR';

  constructor(message: string, errorCode: 'INVALID_PARAMETER' | 'USER_ERROR' = 'INVALID_PARAMETER') {
    super(message);
    this.name = 'SuiteQlError';
    this.errorCode = errorCode;
  }
}

/** NetSuite's answer for syntax it does not run, with what the sandbox does not emulate. */
export function unsupported(what: string): SuiteQlError {
  return new SuiteQlError(`Search error occurred: Invalid or unsupported search. (${what}.)`);
}
