import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { alertHeadline, type AlertEvent } from './alert.js';

const EVENT: AlertEvent = {
  id: '1-0',
  key: 'node-down:10.0.0.1',
  kind: 'node_down',
  message: 'Nginx node 10.0.0.1 (master) is DOWN: connection refused',
  state: 'firing',
  source: 'health',
  replica: 'h1',
  time: 0,
};

describe('alert headline', () => {
  it('names the service, whether the condition fires or is over, and the message', () => {
    assert.equal(
      alertHeadline(EVENT),
      '[health] FIRING: Nginx node 10.0.0.1 (master) is DOWN: connection refused',
    );
    assert.equal(
      alertHeadline({ ...EVENT, state: 'resolved', message: 'Nginx node 10.0.0.1 is UP again' }),
      '[health] RESOLVED: Nginx node 10.0.0.1 is UP again',
    );
  });
});
