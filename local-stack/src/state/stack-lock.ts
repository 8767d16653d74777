import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLocalStack, processInfo } from '../ports/process-info.js';

export type StackLock = { release(): void };

/**
 * One local stack per state directory: `<dir>/pid` holds the running stack's pid. A
 * file left by a stack that is gone is taken over; a live one is an error naming it.
 */
export function lockStateDir(dir: string): StackLock {
  const path = join(dir, 'pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return {
        release: () => {
          if (readPid(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPid(path);
    if (holder !== undefined && isLocalStack(processInfo(holder)))
      throw new Error(
        `another local stack (pid ${holder}) uses ${dir}: stop it first (Ctrl-C in its terminal, or kill -INT ${holder})`,
      );
    // Left by a stack that is gone: take it over.
    rmSync(path, { force: true });
  }
  throw new Error(`could not take ${path}: another local stack is starting`);
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
