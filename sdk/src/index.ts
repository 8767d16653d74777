export * from './send/index.js';
export * from './registrar/index.js';
export * from './watch/index.js';
