/** Order policies: pre-create validation of closed-won deals. Pure. */
export * from './countries.js';
export * from './validate.js';
