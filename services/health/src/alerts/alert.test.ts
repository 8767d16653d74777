import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { alertHeadline, type Alert } from './alert.js';

const ALERT: Alert = {
  ip: '10.0.0.1',
  label: 'master',
  healthUrl: 'http://10.0.0.1/healthz',
  status: 'DOWN',
  previous: 'UP',
  time: 0,
  reason: 'connection refused',
  trigger: 'suspect',
  reporter: 'core-1',
  consecutiveFailures: 1,
  replica: 'h1',
};

describe('alert headline', () => {
  it('names the node, its label, the new status and the reason', () => {
    assert.equal(alertHeadline(ALERT), 'Nginx node 10.0.0.1 (master) is DOWN: connection refused');
    assert.equal(
      alertHeadline({ ...ALERT, status: 'UP', label: '', reason: 'probe ok' }),
      'Nginx node 10.0.0.1 is UP again: probe ok',
    );
  });
});
