export * from './errors.js';
export * from './util/wait.js';
export * from './serialize/types.js';
export * from './serialize/codec.js';
