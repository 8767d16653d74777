#!/usr/bin/env node
import { runService } from '@gateway/shared';
import { loadRegistryConfig } from './config.js';
import { startRegistry } from './server.js';

await runService({
  name: 'registry',
  loadConfig: loadRegistryConfig,
  start: ({ config, logger, tokens }) => startRegistry(config, logger, tokens),
});
