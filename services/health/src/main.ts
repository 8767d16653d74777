#!/usr/bin/env node
import { runService } from '@gateway/shared';
import { loadHealthConfig } from './config.js';
import { startHealth } from './server.js';

await runService({
  name: 'health',
  loadConfig: loadHealthConfig,
  start: ({ config, logger, tokens }) => startHealth(config, logger, tokens),
});
