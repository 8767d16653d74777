import { strict as assert } from 'node:assert';
import { describe, it } from 'vitest';
import { RateLimitedTokens } from './rate-limited-tokens.js';

describe('the tokens a replica knows to be over their suspect-report rate', () => {
  it('holds a limited token for at most holdMs, then asks Redis again', () => {
    const tokens = RateLimitedTokens({ holdMs: 1_000, maxTokens: 10 });
    assert.equal(tokens.isLimited('sdk-1', 0), false);
    tokens.limited('sdk-1', 0, 50_000);
    assert.equal(tokens.isLimited('sdk-1', 999), true);
    assert.equal(tokens.isLimited('sdk-2', 999), false);
    assert.equal(tokens.isLimited('sdk-1', 1_000), false);
  });

  it('never holds past the end of the rate window Redis reported', () => {
    const tokens = RateLimitedTokens({ holdMs: 1_000, maxTokens: 10 });
    tokens.limited('sdk-1', 0, 200);
    assert.equal(tokens.isLimited('sdk-1', 199), true);
    assert.equal(tokens.isLimited('sdk-1', 200), false);
    tokens.limited('sdk-1', 0, undefined);
    assert.equal(tokens.isLimited('sdk-1', 999), true);
  });

  it('keeps at most maxTokens entries, forgetting the oldest', () => {
    const tokens = RateLimitedTokens({ holdMs: 1_000, maxTokens: 2 });
    tokens.limited('a', 0, undefined);
    tokens.limited('b', 0, undefined);
    tokens.limited('c', 0, undefined);
    assert.equal(tokens.isLimited('a', 1), false);
    assert.equal(tokens.isLimited('b', 1), true);
    assert.equal(tokens.isLimited('c', 1), true);
  });
});
