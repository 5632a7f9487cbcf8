/** Error raised for any SuiteQL the emulator cannot run; the route turns it into a NetSuite 400. */
export class SuiteQlError extends Error {
  /** NetSuite's error code for a bad query. */
  readonly errorCode: 'INVALID_PARAMETER' | 'USER_ERROR';

  constructor(message: string, errorCode: 'INVALID_PARAMETER' | 'USER_ERROR' = 'INVALID_PARAMETER') {
    super(message);
    this.name = 'SuiteQlError';
    this.errorCode = errorCode;
  }
}
