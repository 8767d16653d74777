import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { onCleanup } from './cleanup.js';
import { testLogFile } from './test-run-dir.js';

export type ManagedProcess = {
  readonly name: string;
  /** Where all its stdout and stderr is kept for the run's secret scan (up to 64 MiB). */
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 64 KiB of stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM), waits up to `timeoutMs`, then SIGKILL. */
  stop(
    signal?: NodeJS.Signals,
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const OUTPUT_LIMIT = 64 * 1024;
const LOG_FILE_LIMIT = 64 * 1024 * 1024;

let ownGroupsByDefault = false;

/**
 * From now on every process the test kit starts runs in its own process group unless
 * told otherwise, so a terminal's Ctrl-C reaches only this process, which stops them in
 * order (the local stack: redis-server and the nodes must outlive the cores' deregistration).
 */
export function useOwnProcessGroups(): void {
  ownGroupsByDefault = true;
}

/** Starts a program that is killed when the test process exits, whatever happens. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Own process group, so a terminal's Ctrl-C reaches only the parent, which stops it in order. */
    ownProcessGroup?: boolean;
  } = {},
): ManagedProcess {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: options.ownProcessGroup ?? ownGroupsByDefault,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const logFile = testLogFile(name);
  const log = createWriteStream(logFile, { mode: 0o600 });
  log.on('error', () => undefined);
  let logged = 0;
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    if (logged < LOG_FILE_LIMIT) {
      logged += chunk.length;
      log.write(logged < LOG_FILE_LIMIT ? chunk : '\n[log file limit reached]\n');
    }
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const removeCleanup = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      removeCleanup();
      // Output still in the pipes arrives after 'exit': end the file once they are closed.
      child.once('close', () => log.end());
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      append(Buffer.from(`\n[spawn error] ${error.message}\n`));
      log.end();
      removeCleanup();
      resolve({ code: -1, signal: null });
    });
  });
  return {
    name,
    logFile,
    child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return await exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** True while the process runs. */
export function isRunning(process: ManagedProcess): boolean {
  return process.child.exitCode === null && process.child.signalCode === null;
}
