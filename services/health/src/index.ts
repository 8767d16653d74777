export { loadHealthConfig, healthConfigShape, type HealthConfig } from './config.js';
export { startHealth, type RunningHealth } from './server.js';
