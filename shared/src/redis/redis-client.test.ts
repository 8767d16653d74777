import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { reconnectDelayMs } from './redis-client.js';

describe('reconnectDelayMs', () => {
  it('retries at once first, then backs off to at most one second', () => {
    assert.equal(reconnectDelayMs(1), 0);
    assert.equal(reconnectDelayMs(2), 200);
    assert.equal(reconnectDelayMs(3), 400);
    assert.equal(reconnectDelayMs(4), 800);
    assert.equal(reconnectDelayMs(5), 1_000);
    assert.equal(reconnectDelayMs(50), 1_000);
  });
});
