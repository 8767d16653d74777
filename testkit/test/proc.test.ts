import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'vitest';
import { childPids, pidAlive, waitFor } from '@gateway/testkit';

describe('process liveness from /proc', () => {
  it('a running process is alive; a zombie (exited, not reaped) and a missing pid are not', async () => {
    // `sh` starts a short sleep in the background, then becomes a long sleep that never
    // reaps it: the short sleep stays a zombie child of the long one.
    const parent = spawn('sh', ['-c', 'sleep 0.2 & exec sleep 30'], { stdio: 'ignore' });
    try {
      const parentPid = parent.pid!;
      assert.equal(pidAlive(parentPid), true);
      const child = await waitFor('the background sleep', () => childPids(parentPid)[0], {
        timeoutMs: 10_000,
      });
      await waitFor('the background sleep to exit', () => !pidAlive(child), { timeoutMs: 10_000 });
      assert.deepEqual(childPids(parentPid), [child], 'still there, as a zombie');
      // kill(pid, 0) succeeds on a zombie: that is the answer pidAlive must not give.
      assert.doesNotThrow(() => process.kill(child, 0));
      assert.equal(pidAlive(2 ** 22 + 1), false, 'above pid_max: no such process');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
