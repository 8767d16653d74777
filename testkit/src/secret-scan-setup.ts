import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeFindings, registeredTestSecrets, scanLogsForSecrets } from './secret-scan.js';
import { testLogsRoot, TEST_RUN_DIR_VARIABLE } from './test-run-dir.js';
import { knownTestSecrets } from './test-secrets.js';

/** How long a run's logs are kept under $TMPDIR/gateway-test-logs (by age: runs in parallel must survive). */
const KEEP_MS = 12 * 3_600_000;

/**
 * The vitest global setup of the root config: gives the run its own log directory (every
 * process and in-process logger the test kit starts writes there, see test-run-dir.ts),
 * and at the end scans every captured log for the secrets the test kit hands out. A
 * secret found fails the run, naming the file and line (never the secret).
 */
export function setup(): () => void {
  const root = testLogsRoot();
  mkdirSync(root, { recursive: true });
  pruneOldRuns(root);
  const runDir = join(root, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  process.env[TEST_RUN_DIR_VARIABLE] = runDir;
  return () => {
    const secrets = [...knownTestSecrets(), ...registeredTestSecrets(runDir)];
    const result = scanLogsForSecrets(join(runDir, 'logs'), secrets);
    console.log(
      `[figure] secret scan of the run's logs (${runDir}): ${result.files} files, ${result.lines} lines, ${secrets.length} secrets, ${result.findings.length} findings`,
    );
    if (result.findings.length > 0) {
      // vitest reports a teardown error without failing the run: the exit code must say it.
      process.exitCode = 1;
      throw new Error(
        `secret scan: ${result.findings.length} log lines show a secret:\n${describeFindings(result.findings)}`,
      );
    }
  };
}

function pruneOldRuns(root: string): void {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (Date.now() - statSync(dir).mtimeMs > KEEP_MS) rmSync(dir, { recursive: true, force: true });
  }
}
