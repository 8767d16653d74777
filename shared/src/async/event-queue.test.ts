import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { EventQueue, OVERFLOW } from '../index.js';

describe('event queue', () => {
  it('delivers in order, then replaces a backlog beyond the limit with one overflow marker', async () => {
    const queue = EventQueue<number>(3);
    const controller = new AbortController();
    queue.push(1);
    queue.push(2);
    const seen: Array<number | typeof OVERFLOW> = [];
    const reading = (async () => {
      for await (const item of queue.drain(controller.signal)) {
        seen.push(item);
        if (seen.length === 2) for (let i = 10; i < 20; i++) queue.push(i);
        if (item === 42) controller.abort();
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    queue.push(42);
    await reading;
    assert.deepEqual(seen, [1, 2, OVERFLOW, 42]);
  });
});
