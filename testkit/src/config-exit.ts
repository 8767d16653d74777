import assert from 'node:assert/strict';
import { startProcess } from './managed-process.js';

/**
 * Runs a service's compiled `entry` with `env` (and PATH) and asserts that it refuses its
 * configuration as an operator needs: exit code 78 (EX_CONFIG), a message matching
 * `expected` (the variable and why), and no stack trace.
 */
export async function expectConfigExit(
  entry: string,
  env: Record<string, string>,
  expected: RegExp,
): Promise<void> {
  const child = startProcess('bad-config', process.execPath, [entry], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  const exit = await child.exited;
  assert.equal(exit.code, 78, child.output());
  assert.match(child.output(), expected);
  assert.doesNotMatch(child.output(), /\n\s+at /, 'no stack trace for a configuration error');
}
