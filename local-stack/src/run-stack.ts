import { useOwnProcessGroups } from '@gateway/testkit';
import { Shutdown } from './lifecycle/shutdown.js';
import { emptyStackParts } from './lifecycle/stack-part.js';
import type { LineFormatter } from './output/line-formatter.js';
import type { Logger } from './output/stack-logger.js';
import { summaryText } from './output/summary.js';
import type { StackDescription } from './stack-description.js';
import type { StackOptions } from './stack-options.js';
import { assertBuilt, startStack } from './start-stack.js';
import type { StackLock } from './state/stack-lock.js';
import { writeStackFiles } from './state/stack-files.js';

/**
 * Runs the stack once its ports are free and its state directory is its own: writes the
 * tokens, starts everything, announces it, then waits for a signal (a clean stop, exit 0)
 * or for a part to die (exit 1). Never returns: every path ends in process.exit.
 */
export async function runStack(options: {
  options: StackOptions;
  format: LineFormatter;
  logger: Logger;
  lock: StackLock;
}): Promise<void> {
  const { logger, lock, format } = options;
  const stack = options.options;
  try {
    assertBuilt(stack.dataPlane);
  } catch (error) {
    lock.release();
    logger.error(`cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
  const files = writeStackFiles(stack.stateDir);
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
    const described = await startStack({ stack, files, format, logger, parts });
    if (shutdown.started) return;
    announce(described, stack, logger);
    const everything = [...parts.cores, ...parts.services, ...parts.nodes, ...parts.redis];
    const reason = await Promise.race(everything.map((part) => part.died));
    await shutdown.run({ reason: `${reason}: stopping the stack`, failed: true });
  } catch (error) {
    // A signal midway stops the stack; what was starting then fails, and that is expected.
    if (!shutdown.started)
      await shutdown.run({ reason: `failed to start: ${(error as Error).message}`, failed: true });
  }
}

/**
 * The summary: text on a terminal; one JSON entry otherwise (without the tokens: see the
 * file). What else the stack offers once it is up (e.g. a context file for a CLI, written
 * from `described`) belongs beside this call, stopped with the other parts.
 */
function announce(described: StackDescription, stack: StackOptions, logger: Logger): void {
  if (stack.logFormat === 'json') {
    const { tokens: _secret, ...rest } = described;
    logger.info({ stack: rest }, 'local stack is up');
  } else {
    logger.info('local stack is up');
    process.stdout.write(summaryText(described));
  }
}
