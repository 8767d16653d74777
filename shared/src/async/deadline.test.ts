import assert from 'node:assert/strict';
import { describe, it, vi } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deadline } from './deadline.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** The per-node and per-command timeouts must fire even when the garbage collector runs meanwhile. */
describe('deadline: a timeout that survives garbage collection', () => {
  it('aborts after its time even with the collector running all along', async () => {
    const parent = new AbortController();
    const { signal, clear } = deadline(parent.signal, 150);
    let aborted = false;
    signal.addEventListener('abort', () => (aborted = true));
    const collecting = setInterval(() => gc(), 5);
    try {
      await vi.waitFor(() => assert.ok(aborted, 'the deadline aborted'), {
        timeout: 3_000,
        interval: 10,
      });
    } finally {
      clearInterval(collecting);
      clear();
    }
    assert.equal((signal.reason as DOMException).name, 'TimeoutError');
  });

  it('aborts with its parent, and clear() stops the timer', async () => {
    const parent = new AbortController();
    const first = deadline(parent.signal, 60_000);
    parent.abort(new Error('stopping'));
    assert.equal(first.signal.aborted, true);
    first.clear();
    const second = deadline(undefined, 50);
    second.clear();
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(second.signal.aborted, false);
  });
});
