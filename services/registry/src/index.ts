export { loadRegistryConfig, registryConfigShape, type RegistryConfig } from './config.js';
export { startRegistry, type RunningRegistry } from './server.js';
