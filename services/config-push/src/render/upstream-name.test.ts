import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { DEFAULT_UPSTREAM, upstreamName } from './upstream-name.js';

describe('upstream name of a group', () => {
  it('is gateway_backend for the default group', () => {
    assert.equal(upstreamName('default'), DEFAULT_UPSTREAM);
    assert.equal(DEFAULT_UPSTREAM, 'gateway_backend');
  });

  it('is gateway_<group> for the other groups', () => {
    assert.equal(upstreamName('payments'), 'gateway_payments');
    assert.equal(upstreamName('a-b_c9'), 'gateway_a-b_c9');
  });

  it('has no name for the group "backend", which would collide with the default upstream', () => {
    assert.equal(upstreamName('backend'), undefined);
  });
});
