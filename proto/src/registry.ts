export * from './gen/gateway/registry/v1/registry.js';
