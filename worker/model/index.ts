/**
 * Canonical model v3 (SCHEMA_VERSION): zod schemas, inferred types and pure derivations shared by the broker,
 * the connectors' mappers and the UI surfaces. Imports nothing that does I/O.
 */
export * from './primitives.js';
export * from './money.js';
export * from './dates.js';
export * from './address.js';
export * from './account.js';
export * from './contact.js';
export * from './product.js';
export * from './contract.js';
export * from './invoice.js';
export * from './payment.js';
export * from './sales-order.js';
export * from './health.js';
export * from './onboarding.js';
export * from './support-case.js';
export * from './renewal-risk.js';
export * from './finance-hold.js';
export * from './renewal-hold.js';
export * from './section-state.js';
export * from './account-view.js';
export * from './receivables.js';
export * from './risk-assessment.js';
export * from './sections.js';
export * from './json-schema.js';
