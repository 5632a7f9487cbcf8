/** Identity policy: normalised keys and the exact-key matcher that links records across systems. */
export * from './normalize.js';
export * from './match.js';
