export * from './send/index.js';
export * from './registrar/index.js';
