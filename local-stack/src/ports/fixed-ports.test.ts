import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { SERVICE_DEFAULT_PORTS } from '@gateway/testkit';
import { SERVICE_PORTS } from './fixed-ports.js';

describe('the local stack’s fixed ports', () => {
  it('are the ones the test kit never hands out to other tests', () => {
    assert.deepEqual(SERVICE_PORTS, SERVICE_DEFAULT_PORTS);
  });
});
