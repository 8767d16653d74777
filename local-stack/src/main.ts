#!/usr/bin/env node
// `npm start`: the whole system on one machine (see README "Quick start" and docs/operations.md
// "The local stack"). Checks its ports first, then starts its own redis-server, as root two
// Nginx nodes, the three services on 127.0.0.1:50051–50053, the node inventory and two example
// gateway-cores; prints a summary; on SIGINT/SIGTERM stops the cores, the services, the nodes
// and redis-server, in that order.
import { mkdirSync } from 'node:fs';
import { LineFormatter } from './output/line-formatter.js';
import { createStackLogger } from './output/stack-logger.js';
import {
  CONSOLE_PORT,
  METRICS_PORTS,
  SERVICE_NAMES,
  SERVICE_PORTS,
  STACK_HOST,
} from './ports/fixed-ports.js';
import { assertPortsFree } from './ports/port-check.js';
import { stackOptions, type StackOptions } from './stack-options.js';
import { lockStateDir, type StackLock } from './state/stack-lock.js';

const stdoutIsTTY = process.stdout.isTTY === true;
let options: StackOptions;
try {
  options = stackOptions(process.env, stdoutIsTTY);
} catch (error) {
  process.stderr.write(`local-stack: ${(error as Error).message}\n`);
  process.exit(2);
}
const format = LineFormatter(options.logFormat, { colorize: stdoutIsTTY });
const logger = createStackLogger(format, options.logLevel);
process.stdout.on('error', () => undefined);

// Nothing is loaded, started or written before these checks: a second stack fails at once
// and leaves the first alone.
let lock: StackLock;
try {
  await assertPortsFree(STACK_HOST, [
    ...SERVICE_NAMES.flatMap((name) => [
      { name, port: SERVICE_PORTS[name] },
      { name: `${name} metrics`, port: METRICS_PORTS[name] },
    ]),
    { name: 'console', port: CONSOLE_PORT },
  ]);
  mkdirSync(options.stateDir, { recursive: true });
  lock = lockStateDir(options.stateDir);
} catch (error) {
  logger.error(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}

const { runStack } = await import('./run-stack.js');
await runStack({ options, format, logger, lock });
