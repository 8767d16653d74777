import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FailureCounter } from './failure-counter.js';

describe('failure counter', () => {
  it('counts consecutive failures with the last kind, and a success resets both', () => {
    const counter = FailureCounter();
    assert.equal(counter.consecutive, 0);
    assert.equal(counter.failure('refused'), 1);
    assert.equal(counter.failure('timeout'), 2);
    assert.equal(counter.lastKind, 'timeout');
    counter.success();
    assert.equal(counter.consecutive, 0);
    assert.equal(counter.lastKind, undefined);
    assert.equal(counter.failure('reset'), 1);
  });
});
