import { isRunning, type ManagedProcess } from '@gateway/testkit';
import type { StackPart } from './stack-part.js';

/**
 * A process the stack started, as a StackPart: stopped with SIGTERM (SIGKILL after
 * `graceMs`); clean when it exits 0 (or, for `signalIsClean` programs, by that signal).
 * `flushed` resolves once its output has been relayed, so its last lines print before
 * the stack moves on.
 */
export function processPart(options: {
  name: string;
  process: ManagedProcess;
  graceMs: number;
  flushed?: Promise<void>;
  signalIsClean?: boolean;
}): StackPart {
  let stopping = false;
  const { process: child, name } = options;
  const describe = (result: { code: number | null; signal: NodeJS.Signals | null }) =>
    result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  return {
    name,
    died: child.exited.then((result) =>
      stopping
        ? new Promise<never>(() => undefined)
        : `${name} exited unexpectedly (${describe(result)})`,
    ),
    async stop() {
      // One that had already ended was reported when it died (its output was relayed).
      const alreadyEnded = !isRunning(child);
      stopping = true;
      const result = await child.stop('SIGTERM', options.graceMs);
      await withinMs(options.flushed ?? Promise.resolve(), 2_000);
      if (alreadyEnded || result.code === 0) return undefined;
      if (result.signal === 'SIGTERM' && options.signalIsClean) return undefined;
      // SIGKILL comes only from child.stop() once the grace period is over.
      if (result.signal === 'SIGKILL')
        return `${name} did not stop within ${options.graceMs} ms and was killed`;
      return `${name} stopped with ${describe(result)}`;
    },
  };
}

async function withinMs(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
