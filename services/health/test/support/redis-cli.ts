import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the real `redis-cli` against 127.0.0.1:`port` and returns its output, trimmed. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'redis-cli',
    ['-h', '127.0.0.1', '-p', String(port), '--no-raw', ...args],
    { timeout: 10_000 },
  );
  return stdout.trim();
}
