#!/usr/bin/env node
import { runService } from '@gateway/shared';
import { loadConfigPushConfig } from './config.js';
import { startConfigPush } from './server.js';

await runService({
  name: 'config-push',
  loadConfig: loadConfigPushConfig,
  start: ({ config, logger, tokens }) => startConfigPush(config, logger, tokens),
});
