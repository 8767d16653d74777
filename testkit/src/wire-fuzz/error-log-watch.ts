import type { ManagedProcess } from '../managed-process.js';

export type ErrorLogWatch = {
  /** Lines of a crash (a call that crashed, an unhandled rejection, an uncaught exception, fatal). */
  lines(): readonly string[];
};

// Errors logged on purpose (an alert fired) are not crashes: only these are.
const CRASH = /unhandled|uncaught|"msg":"call crashed"|"level":60/i;

/** Watches a service's stdout and stderr for lines of a crash (keeps the first 50). */
export function watchErrorLog(child: ManagedProcess): ErrorLogWatch {
  const found: string[] = [];
  for (const stream of [child.child.stdout, child.child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines)
        if (CRASH.test(line) && found.length < 50) found.push(line.slice(0, 2000));
    });
  }
  return { lines: () => found };
}
