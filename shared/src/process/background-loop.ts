import { delay, isAbortError } from 'abort-controller-x';
import type { Logger } from 'pino';

export type BackgroundLoop = {
  /** Stops the loop and waits for the current round to finish. */
  stop(): Promise<void>;
};

/**
 * Runs `round` every `intervalMs` until stopped. A failing round is logged and the
 * loop goes on; the round receives a signal that aborts on stop, and must pass it
 * to every wait.
 */
export function BackgroundLoop(options: {
  name: string;
  intervalMs: number;
  logger: Logger;
  round: (signal: AbortSignal) => Promise<void>;
}): BackgroundLoop {
  const controller = new AbortController();
  const signal = controller.signal;
  const done = (async () => {
    while (!signal.aborted) {
      try {
        await options.round(signal);
      } catch (error) {
        if (signal.aborted && isAbortError(error)) break;
        options.logger.warn({ err: error, loop: options.name }, 'background round failed');
      }
      try {
        await delay(signal, options.intervalMs);
      } catch {
        break;
      }
    }
  })();
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}
