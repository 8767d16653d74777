#!/usr/bin/env node
import { limitHeapGrowth, runService } from '@gateway/shared';
import { loadRegistryConfig } from './config.js';
import { startRegistry } from './server.js';

await runService({
  name: 'registry',
  loadConfig: loadRegistryConfig,
  start: ({ config, logger, tokens }) => {
    limitHeapGrowth(config.REGISTRY_HEAP_GROWING_PERCENT);
    return startRegistry(config, logger, tokens);
  },
});
