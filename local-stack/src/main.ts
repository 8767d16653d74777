#!/usr/bin/env node
// `npm start`: the whole system on one machine (see README "Quick start" and docs/operations.md
// "The local stack"). Checks its ports first, then starts its own redis-server, as root two
// Nginx nodes, the three services on 127.0.0.1:50051–50053, the node inventory and two example
// gateway-cores; prints a summary; on SIGINT/SIGTERM stops the cores, the services, the nodes
// and redis-server, in that order.
import { mkdirSync } from 'node:fs';
import { useOwnProcessGroups } from '@gateway/testkit';
import { Shutdown } from './lifecycle/shutdown.js';
import { emptyStackParts } from './lifecycle/stack-part.js';
import { LineFormatter } from './output/line-formatter.js';
import { createStackLogger } from './output/stack-logger.js';
import { summaryText } from './output/summary.js';
import { SERVICE_NAMES, SERVICE_PORTS, STACK_HOST } from './ports/fixed-ports.js';
import { assertPortsFree } from './ports/port-check.js';
import { assertBuilt, startStack } from './start-stack.js';
import { stackOptions, type StackOptions } from './stack-options.js';
import { lockStateDir, type StackLock } from './state/stack-lock.js';
import { writeStackFiles } from './state/stack-files.js';

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

// Nothing is started or written before these checks: a second stack leaves the first alone.
let lock: StackLock;
try {
  assertBuilt(options.dataPlane);
  await assertPortsFree(
    STACK_HOST,
    SERVICE_NAMES.map((name) => ({ name, port: SERVICE_PORTS[name] })),
  );
  mkdirSync(options.stateDir, { recursive: true });
  lock = lockStateDir(options.stateDir);
} catch (error) {
  logger.error(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}

const files = writeStackFiles(options.stateDir);
useOwnProcessGroups();
const parts = emptyStackParts();
const shutdown = Shutdown(parts, logger, () => lock.release());
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (!shutdown.started) void shutdown.run({ reason: `${signal}: stopping`, failed: false });
    else {
      logger.warn(`second ${signal}: exiting now`);
      process.exit(130);
    }
  });

try {
  const stack = await startStack({ stack: options, files, format, logger, parts });
  if (!shutdown.started) {
    if (options.logFormat === 'json') {
      const { tokens: _secret, ...described } = stack;
      logger.info({ stack: described }, 'local stack is up');
    } else {
      logger.info('local stack is up');
      process.stdout.write(summaryText(stack));
    }
    const everything = [...parts.cores, ...parts.services, ...parts.nodes, ...parts.redis];
    const reason = await Promise.race(everything.map((part) => part.died));
    await shutdown.run({ reason: `${reason}: stopping the stack`, failed: true });
  }
} catch (error) {
  // A signal midway stops the stack; what was starting then fails, and that is expected.
  if (!shutdown.started)
    await shutdown.run({ reason: `failed to start: ${(error as Error).message}`, failed: true });
}
