import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from './retry-policy.js';

describe('send retry policy', () => {
  it('doubles from the base delay up to the cap, with half of each delay random', () => {
    const low = [1, 2, 3, 4, 5].map((retry) =>
      backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0),
    );
    const high = [1, 2, 3, 4, 5].map((retry) =>
      backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 1),
    );
    assert.deepEqual(low, [50, 100, 200, 400, 400]);
    assert.deepEqual(high, [100, 200, 400, 800, 800]);
    assert.equal(
      backoffDelayMs(DEFAULT_RETRY_POLICY, 10, () => 0),
      400,
      'capped: half of 800',
    );
  });

  it('rides out a VIP takeover: the default retries span more than 3.5 s within the budget', () => {
    let total = 0;
    for (let retry = 1; retry < DEFAULT_RETRY_POLICY.maxAttempts; retry++)
      total += backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0);
    assert.ok(total >= 3_500, `the shortest retries span ${total} ms`);
    assert.ok(DEFAULT_RETRY_POLICY.budgetMs >= 4_000);
  });

  it('retries the idempotent methods and no status by default', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
      assert.ok(DEFAULT_RETRY_POLICY.idempotentMethods.has(method));
    assert.equal(DEFAULT_RETRY_POLICY.idempotentMethods.has('POST'), false);
    assert.equal(DEFAULT_RETRY_POLICY.retryStatuses.size, 0);
  });
});
