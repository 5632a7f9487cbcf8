/** Pure policies (identity matching, ownership): no I/O, usable in the Worker and in Node. */
export * from './identity/index.js';
export * from './ownership/index.js';
