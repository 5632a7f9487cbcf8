/**
 * Identity policy (pure): normalisation per kind of evidence, the scorer, the decision, the
 * blocking keys used to find candidates, and survivorship of linked records' fields.
 */
export * from './text.js';
export * from './legal-forms.js';
export * from './name.js';
export * from './domain.js';
export * from './email.js';
export * from './tax-id.js';
export * from './location.js';
export * from './hints.js';
export * from './profile.js';
export * from './score.js';
export * from './decide.js';
export * from './blocking.js';
export * from './survivorship.js';
