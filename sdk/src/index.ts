export * from './send/index.js';
