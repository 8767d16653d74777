import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isLocalStack, processInfo } from './process-info.js';

describe('process information from /proc', () => {
  it('reads the command line and the parent of a process', () => {
    const info = processInfo(process.pid);
    assert.ok(info);
    assert.equal(info.ppid, process.ppid);
    assert.ok(info.command.includes(process.argv[1] ?? 'node'), info.command);
  });

  it('is undefined for a process that does not exist', () => {
    assert.equal(processInfo(2 ** 22 + 1), undefined);
  });

  it('recognises a local stack by its entry', () => {
    const stack = { pid: 1, ppid: 0, command: '/usr/bin/node /repo/local-stack/dist/src/main.js' };
    assert.equal(isLocalStack(stack), true);
    assert.equal(
      isLocalStack({ ...stack, command: 'node services/registry/dist/src/main.js' }),
      false,
    );
    assert.equal(isLocalStack(undefined), false);
  });
});
