export * from './finance-hold.js';
export * from './health-drop.js';
