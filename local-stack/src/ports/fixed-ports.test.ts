import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { METRICS_DEFAULT_PORTS, SERVICE_DEFAULT_PORTS } from '@gateway/testkit';
import { METRICS_PORTS, SERVICE_PORTS } from './fixed-ports.js';

describe('the local stack’s fixed ports', () => {
  it('are the ones the test kit never hands out to other tests', () => {
    assert.deepEqual(SERVICE_PORTS, SERVICE_DEFAULT_PORTS);
  });

  it('include metrics ports the test kit never hands out either', () => {
    assert.deepEqual(METRICS_PORTS, METRICS_DEFAULT_PORTS);
  });
});
