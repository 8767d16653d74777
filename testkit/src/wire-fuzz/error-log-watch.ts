import type { ManagedProcess } from '../managed-process.js';

export type ErrorLogWatch = {
  /** Lines logged at error or fatal (pino level ≥ 50), or naming a crash, since the watch began. */
  lines(): readonly string[];
};

const CRASH = /unhandled|uncaught|call crashed|"level":(50|60)/i;

/** Watches a service's stdout and stderr for error and fatal lines (keeps the first 50). */
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
