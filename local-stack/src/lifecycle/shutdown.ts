import type { Logger } from '../output/stack-logger.js';
import type { StackParts } from './stack-part.js';
import { stopInOrder } from './stop-in-order.js';

/** No stop takes longer than this, whatever hangs (each part has its own, shorter bound). */
const SHUTDOWN_GUARD_MS = 60_000;

export type Shutdown = {
  readonly started: boolean;
  /**
   * Stops everything in order once (later calls join the first), then exits: 0 after a
   * clean stop that nothing failed to cause, 1 otherwise.
   */
  run(cause: { readonly reason: string; readonly failed: boolean }): Promise<never>;
};

export function Shutdown(parts: StackParts, logger: Logger, afterStop: () => void): Shutdown {
  let running: Promise<never> | undefined;
  return {
    get started() {
      return running !== undefined;
    },
    run({ reason, failed }) {
      running ??= (async (): Promise<never> => {
        if (failed) logger.error(reason);
        else logger.info(reason);
        setTimeout(() => {
          logger.error(`the stop took longer than ${SHUTDOWN_GUARD_MS} ms: exiting`);
          process.exit(1);
        }, SHUTDOWN_GUARD_MS).unref();
        const problems = await stopInOrder(parts, logger);
        afterStop();
        for (const problem of problems) logger.error(problem);
        const clean = !failed && problems.length === 0;
        if (clean) logger.info('local stack stopped cleanly');
        process.exit(clean ? 0 : 1);
      })();
      return running;
    },
  };
}
