import { describe, expect, it } from 'vitest';
import { retryBackoffMs, retryDue, retryIdleMs } from './retry-policy.js';

const policy = { attemptTimeoutMs: 3_000, retryMinMs: 1_000, retryMaxMs: 30_000 };

describe('alert retry policy', () => {
  it('doubles the wait with each failed delivery, from the minimum up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryBackoffMs(policy, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('never overflows however many deliveries failed', () => {
    expect(retryBackoffMs(policy, 10_000)).toBe(30_000);
    expect(retryBackoffMs(policy, 0)).toBe(1_000);
  });

  it('waits for a running attempt to time out before another replica may retry it', () => {
    expect(retryIdleMs(policy, 1)).toBe(4_000);
    expect(retryDue(policy, 1, 3_999)).toBe(false);
    expect(retryDue(policy, 1, 4_000)).toBe(true);
    expect(retryDue(policy, 3, 6_999)).toBe(false);
    expect(retryDue(policy, 3, 7_000)).toBe(true);
  });

  it('gives other replicas a window to take over an entry before the replica that failed it retries', () => {
    expect(retryDue(policy, 1, 4_000, 2_000)).toBe(false);
    expect(retryDue(policy, 1, 5_999, 2_000)).toBe(false);
    expect(retryDue(policy, 1, 6_000, 2_000)).toBe(true);
  });
});
