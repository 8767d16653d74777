import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CliError, ExitCode } from '../exit-codes.js';
import { parseValuesYaml } from './values-file.js';

describe('deploy values as YAML', () => {
  it('maps flag-named keys to fields, numbers as text', () => {
    assert.deepEqual(
      parseValuesYaml('role: master\nself-ip: 10.0.0.1\nconfirm-timeout: 10\n', 'f'),
      {
        role: 'master',
        selfIp: '10.0.0.1',
        confirmTimeout: '10',
      },
    );
  });

  it('refuses unknown keys, nested values and non-YAML as usage errors', () => {
    for (const text of ['selfip: 1', 'self-ip: [1, 2]', 'a: b: c', '- 1']) {
      assert.throws(
        () => parseValuesYaml(text, 'f'),
        (error: unknown) => error instanceof CliError && error.exitCode === ExitCode.USAGE,
        text,
      );
    }
  });
});
