#!/usr/bin/env node
import { limitHeapGrowth, runService } from '@gateway/shared';
import { loadConfigPushConfig } from './config.js';
import { startConfigPush } from './server.js';

await runService({
  name: 'config-push',
  loadConfig: loadConfigPushConfig,
  start: ({ config, logger, tokens }) => {
    limitHeapGrowth(config.CONFIG_PUSH_HEAP_GROWING_PERCENT);
    return startConfigPush(config, logger, tokens);
  },
});
