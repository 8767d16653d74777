import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@gateway/testkit';

/** The compiled gatewayctl (cli/dist/src/main.js). */
export const GATEWAYCTL = join(REPO_ROOT, 'cli', 'dist', 'src', 'main.js');

export type CliRun = { code: number | null; stdout: string; stderr: string };

type CliOptions = {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  prefix?: readonly string[];
};

/** A running gatewayctl: its output so far, and its end. */
export type CliProcess = {
  readonly child: ChildProcess;
  output(): string;
  readonly done: Promise<CliRun>;
};

/**
 * Starts gatewayctl as its own process, as an operator would: only the environment
 * given (plus PATH and HOME), in `cwd`, killed after `timeoutMs`.
 */
export function spawnCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const [program, ...programArgs] = [
    ...(options.prefix ?? []),
    process.execPath,
    GATEWAYCTL,
    ...args,
  ];
  const child = spawn(program, programArgs, {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: options.cwd ?? '/nonexistent', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, output: () => stdout, done };
}

/** Runs gatewayctl to its end (see spawnCli). */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return spawnCli(args, options).done;
}

/** Parses stdout as one JSON document, failing with what the CLI printed. */
export function json<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `not JSON (exit ${run.code}): ${run.stdout.slice(0, 2000)} ${run.stderr.slice(0, 2000)}`,
    );
  }
}

/** Parses stdout as JSON lines. */
export function jsonLines<T>(run: CliRun): T[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
