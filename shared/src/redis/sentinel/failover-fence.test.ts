import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FailoverFence, FailoverInProgressError } from './failover-fence.js';

describe('FailoverFence', () => {
  it('lets writes through at once while open', async () => {
    const fence = FailoverFence({ maxClosedMs: 1_000 });
    assert.equal(fence.closed, false);
    await fence.whenOpen(10);
  });

  it('holds a write until it opens, and counts one generation per closing', async () => {
    const fence = FailoverFence({ maxClosedMs: 5_000 });
    fence.close('+try-failover');
    fence.close('+selected-slave');
    assert.equal(fence.generation, 1, 'closing again while closed is the same failover');
    assert.equal(fence.reason, '+selected-slave');
    let released = false;
    const held = fence.whenOpen(2_000).then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(released, false);
    fence.open();
    await held;
    assert.equal(released, true);
    fence.close('+switch-master');
    assert.equal(fence.generation, 2);
    fence.open();
  });

  it('fails a write held longer than it may wait', async () => {
    const fence = FailoverFence({ maxClosedMs: 5_000 });
    fence.close('+odown');
    await assert.rejects(fence.whenOpen(30), FailoverInProgressError);
    fence.open();
  });

  it('opens by itself after maxClosedMs and says so', async () => {
    const expired: string[] = [];
    const fence = FailoverFence({ maxClosedMs: 30, onExpired: (reason) => expired.push(reason) });
    fence.close('+failover-state-reconf-slaves');
    await fence.whenOpen(2_000);
    assert.equal(fence.closed, false);
    assert.deepEqual(expired, ['+failover-state-reconf-slaves']);
  });
});
