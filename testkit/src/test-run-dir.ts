import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set by the root vitest global setup (secret-scan-setup.ts) for every worker of one run. */
export const TEST_RUN_DIR_VARIABLE = 'GATEWAY_TEST_RUN_DIR';

/** Where all runs keep their logs: `$TMPDIR/gateway-test-logs/<run-id>/`. */
export function testLogsRoot(): string {
  return join(tmpdir(), 'gateway-test-logs');
}

let adhocRunDir: string | undefined;

/**
 * The directory of this test run: the one the vitest run set up, else (a benchmark, the
 * local stack, a script) one for this process, `adhoc-<pid>`.
 */
export function testRunDir(): string {
  const set = process.env[TEST_RUN_DIR_VARIABLE];
  if (set) return set;
  adhocRunDir ??= join(testLogsRoot(), `adhoc-${process.pid}`);
  return adhocRunDir;
}

let fileCounter = 0;

/** A fresh log file path in the run's `logs/` for a process or logger called `name`. */
export function testLogFile(name: string): string {
  const dir = join(testRunDir(), 'logs');
  mkdirSync(dir, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return join(dir, `${safe}.${process.pid}.${++fileCounter}.log`);
}

/**
 * Registers a secret a test hands out (beyond TEST_SECRETS), so the run's secret scan looks
 * for it too. Kept in the run's `secrets/` (never scanned itself).
 */
export function registerTestSecret(name: string, value: string): void {
  if (value.length < 6) throw new Error(`registerTestSecret: ${name} is too short to scan for`);
  const dir = join(testRunDir(), 'secrets');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.tsv`), `${name}\t${value}\n`, { mode: 0o600 });
}
