import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { metricsListen } from './metrics-listen.js';

describe('METRICS_LISTEN', () => {
  const type = metricsListen('127.0.0.1:9451');

  it('defaults to the service’s address', () => {
    assert.deepEqual(type.parse(undefined), { host: '127.0.0.1', port: 9451 });
  });

  it('takes host:port, IPv6 in brackets, and port 0', () => {
    assert.deepEqual(type.parse('0.0.0.0:9999'), { host: '0.0.0.0', port: 9999 });
    assert.deepEqual(type.parse('[::1]:9451'), { host: '::1', port: 9451 });
    assert.deepEqual(type.parse('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  });

  it('is off when empty or "off"', () => {
    for (const off of ['', 'off', 'OFF', ' none ', 'disabled'])
      assert.equal(type.parse(off), undefined);
  });

  it('refuses anything else, saying what it must be', () => {
    for (const bad of ['9451', 'localhost', '127.0.0.1:70000', 'http://127.0.0.1:9451']) {
      const result = type.safeParse(bad);
      assert.equal(result.success, false, bad);
      assert.match(result.error?.issues[0]?.message ?? '', /host:port.*"off"/);
    }
  });
});
