import assert from 'node:assert/strict';
import { ClientError, Metadata, Status } from 'nice-grpc';
import { describe, it } from 'vitest';
import { MAX_RETRY_HINT_MS, parseRetryAfterMs, RetryHint } from './retry-hint.js';

describe('retry hint', () => {
  it('reads whole milliseconds, caps them at the maximum and ignores anything else', () => {
    assert.equal(parseRetryAfterMs('1500'), 1500);
    assert.equal(parseRetryAfterMs('0'), 0);
    assert.equal(parseRetryAfterMs('9999999'), MAX_RETRY_HINT_MS);
    for (const bad of [undefined, '', '-5', '1.5', 'soon', '1e3'])
      assert.equal(parseRetryAfterMs(bad), undefined, String(bad));
  });

  it('is taken from the trailer of RESOURCE_EXHAUSTED only', () => {
    const hint = RetryHint();
    hint.onTrailer(Metadata({ 'retry-after-ms': '750' }));
    const path = '/gateway.registry.v1.RegistryService/Register';
    assert.equal(hint.hintMs(new ClientError(path, Status.RESOURCE_EXHAUSTED, 'over')), 750);
    assert.equal(hint.hintMs(new ClientError(path, Status.UNAVAILABLE, 'down')), undefined);
    assert.equal(hint.hintMs(new Error('other')), undefined);
  });
});
