import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MasterRedirect } from './master-redirect.js';

describe('MasterRedirect', () => {
  it('sends an address Sentinel switched away from to the latest master', () => {
    const redirect = MasterRedirect();
    assert.equal(redirect.resolve('10.0.0.1:6379'), null, 'nothing heard: no redirect');
    redirect.switched({ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.2', port: 6379 });
    assert.deepEqual(redirect.resolve('10.0.0.1:6379'), { host: '10.0.0.2', port: 6379 });
    assert.equal(redirect.resolve('10.0.0.2:6379'), null, 'the master itself is not redirected');
    redirect.switched({ host: '10.0.0.2', port: 6379 }, { host: '10.0.0.3', port: 6379 });
    assert.deepEqual(redirect.resolve('10.0.0.1:6379'), { host: '10.0.0.3', port: 6379 });
    assert.deepEqual(redirect.resolve('10.0.0.2:6379'), { host: '10.0.0.3', port: 6379 });
  });

  it('a master that comes back as master again is no longer redirected', () => {
    const redirect = MasterRedirect();
    redirect.switched({ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.2', port: 6379 });
    redirect.switched({ host: '10.0.0.2', port: 6379 }, { host: '10.0.0.1', port: 6379 });
    assert.equal(redirect.resolve('10.0.0.1:6379'), null);
    assert.deepEqual(redirect.resolve('10.0.0.2:6379'), { host: '10.0.0.1', port: 6379 });
    assert.deepEqual(redirect.current, { host: '10.0.0.1', port: 6379 });
  });
});
