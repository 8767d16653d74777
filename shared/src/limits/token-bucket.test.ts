import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { TokenBuckets } from './token-bucket.js';

describe('per-token buckets', () => {
  it('allows the burst, then one request per refill interval, with the wait', () => {
    const buckets = TokenBuckets({ perSecond: 10, burst: 3 });
    assert.deepEqual(
      [0, 0, 0].map(() => buckets.take('a', 1000)),
      [0, 0, 0],
    );
    assert.equal(buckets.take('a', 1000), 100, 'the next one in 100 ms');
    assert.equal(buckets.take('a', 1100), 0);
    assert.equal(buckets.take('b', 1100), 0, 'another key has its own bucket');
  });

  it('keeps at most maxKeys buckets', () => {
    const buckets = TokenBuckets({ perSecond: 1, burst: 1, maxKeys: 5 });
    for (let i = 0; i < 50; i++) buckets.take(`k${i}`, 0);
    assert.ok(buckets.size <= 5, `size ${buckets.size}`);
  });
});
