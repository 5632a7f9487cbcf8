export * from './finance-hold.js';
export * from './renewal-hold.js';
export * from './health-drop.js';
export * from './low-adoption.js';
export * from './onboarding-stalled.js';
export * from './renewal-risk.js';
export * from './policy.js';
export * from './describe.js';
