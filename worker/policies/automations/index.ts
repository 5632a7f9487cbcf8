export * from './finance-hold.js';
