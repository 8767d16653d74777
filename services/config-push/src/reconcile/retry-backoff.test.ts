import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { RetryBackoff } from './retry-backoff.js';

const HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);

describe('retry backoff per node', () => {
  it('doubles the delay per failure up to the maximum (no jitter at random() = 0.5)', () => {
    const backoff = RetryBackoff(1_000, 8_000, () => 0.5);
    const delays = [];
    for (let failure = 0; failure < 6; failure++)
      delays.push(backoff.failed('10.0.0.1', HASH, 0) - 0);
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('jitters each delay within ±20 %', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, random) => {
          const backoff = RetryBackoff(500, 60_000, () => random);
          let nextAt = 0;
          for (let i = 0; i < failures; i++) nextAt = backoff.failed('10.0.0.1', HASH, 0);
          const base = Math.min(60_000, 500 * 2 ** (failures - 1));
          assert.ok(nextAt >= Math.floor(base * 0.8) && nextAt <= Math.ceil(base * 1.2));
        },
      ),
    );
  });

  it('holds the same content back until its retry is due, but never a different content', () => {
    const backoff = RetryBackoff(1_000, 8_000, () => 0.5);
    backoff.failed('10.0.0.1', HASH, 10_000);
    assert.equal(backoff.waiting('10.0.0.1', HASH, 10_500), true);
    assert.equal(backoff.waiting('10.0.0.1', OTHER_HASH, 10_500), false);
    assert.equal(backoff.waiting('10.0.0.1', HASH, 11_000), false, 'due at 11,000');
    assert.equal(backoff.waiting('10.0.0.2', HASH, 10_500), false, 'another node never waits');
  });

  it('reports the earliest due retry and which nodes are due', () => {
    const backoff = RetryBackoff(1_000, 8_000, () => 0.5);
    assert.equal(backoff.nextDue(), undefined);
    backoff.failed('10.0.0.1', HASH, 0);
    backoff.failed('10.0.0.2', HASH, 0);
    backoff.failed('10.0.0.2', HASH, 0);
    assert.equal(backoff.nextDue(), 1_000);
    assert.deepEqual(backoff.due(999), []);
    assert.deepEqual(backoff.due(1_000), ['10.0.0.1']);
    assert.deepEqual(backoff.due(2_000).sort(), ['10.0.0.1', '10.0.0.2']);
  });

  it('a node whose push runs is not due, and a success forgets its failures', () => {
    const backoff = RetryBackoff(1_000, 8_000, () => 0.5);
    backoff.failed('10.0.0.1', HASH, 0);
    backoff.failed('10.0.0.1', HASH, 0);
    backoff.started('10.0.0.1');
    assert.deepEqual(backoff.due(1_000_000), [], 'no retry while its push runs');
    assert.equal(backoff.nextDue(), undefined);
    assert.equal(backoff.waiting('10.0.0.1', HASH, 1_000_000), true);
    backoff.succeeded('10.0.0.1');
    assert.equal(backoff.waiting('10.0.0.1', HASH, 0), false);
    assert.equal(backoff.failed('10.0.0.1', HASH, 0), 1_000, 'back to the first delay');
  });
});
