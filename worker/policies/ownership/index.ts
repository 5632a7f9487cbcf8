/** Ownership policy: the per-tenant system-of-record matrix and write-back checks. */
export * from './fields.js';
export * from './matrix.js';
export * from './guard.js';
