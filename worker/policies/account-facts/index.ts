/** Concord's account facts: the pipeline's digest of an account and the facts derived from it. */
export * from './state.js';
export * from './derive.js';
