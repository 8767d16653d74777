import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a probe when waiting longer cannot help (the process it waits for exited). */
export class StopWaiting extends Error {
  override readonly name = 'StopWaiting';
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after
 * `timeoutMs` naming what it waited for and the probe's last error. A probe that
 * throws `StopWaiting` ends the wait at once with that error. Tests wait for
 * conditions with this, never with a bare sleep.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs: number; intervalMs?: number } = { timeoutMs: 10_000 },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof StopWaiting)
        throw new Error(`gave up waiting for ${description}: ${error.message}`, {
          cause: error,
        });
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${description}${detail}`,
      );
    }
    await sleep(options.intervalMs ?? 25);
  }
}
