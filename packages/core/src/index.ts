export * from './errors.js';
export * from './util/wait.js';
export * from './serialize/index.js';
