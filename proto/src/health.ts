export * from './gen/gateway/health/v1/health.js';
