import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseSelfPreservation } from './self-preservation-state.js';

describe('self-preservation state', () => {
  it('is absent when the eviction run did not hold back', () => {
    assert.equal(parseSelfPreservation(null), undefined);
    assert.equal(parseSelfPreservation(''), undefined);
  });

  it('reads the counts and decision time, dropping any other field', () => {
    assert.deepEqual(
      parseSelfPreservation(
        JSON.stringify({
          expiredCount: 6,
          recentlyEvicted: 1,
          totalCount: 10,
          decideTime: 5_000,
          debug: 'x',
        }),
      ),
      { expiredCount: 6, recentlyEvicted: 1, totalCount: 10, decideTime: 5_000 },
    );
  });
});
