import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { validateNodeValues, type NodeValueInput } from './node-values.js';

const GOOD: NodeValueInput = {
  role: 'master',
  selfIp: '10.0.0.100',
  peerIp: '10.0.0.101',
  vipCidr: '10.0.0.200/24',
  interface: 'eth0',
  authPass: 's3cret',
};

const problemsOf = (input: NodeValueInput) => {
  const result = validateNodeValues(input);
  return result.ok ? [] : result.problems.map((problem) => problem.field);
};

describe('node values for deploy render', () => {
  it('fills the documented defaults and derives the router id from the role', () => {
    const result = validateNodeValues(GOOD);
    assert.ok(result.ok);
    assert.equal(result.values.routerId, 'gateway_master');
    assert.equal(result.values.upstreamsFile, '/etc/nginx/gateway/gateway-upstreams.conf');
    assert.equal(result.values.scriptUser, 'keepalived_script');
  });

  it('requires the addresses, the interface and the secret, naming each flag', () => {
    assert.deepEqual(problemsOf({ role: 'backup' }).sort(), [
      'auth-pass',
      'interface',
      'peer-ip',
      'self-ip',
      'vip-cidr',
    ]);
    assert.deepEqual(problemsOf({ ...GOOD, role: 'primary' }), ['role']);
  });

  it('refuses addresses that are not IPv4, equal nodes, a VIP on a node address, and a bad prefix', () => {
    assert.deepEqual(problemsOf({ ...GOOD, selfIp: '10.0.0.300' }), ['self-ip']);
    assert.deepEqual(problemsOf({ ...GOOD, peerIp: GOOD.selfIp }), ['peer-ip']);
    assert.deepEqual(problemsOf({ ...GOOD, vipCidr: '10.0.0.100/24' }), ['vip-cidr']);
    assert.deepEqual(problemsOf({ ...GOOD, vipCidr: '10.0.0.200/33' }), ['vip-cidr']);
    assert.deepEqual(problemsOf({ ...GOOD, vipCidr: '10.0.0.200' }), ['vip-cidr']);
  });

  it('refuses values that could change a config file structure, and the apply script limits', () => {
    assert.ok(problemsOf({ ...GOOD, listen: '80; include /etc/passwd' }).includes('listen'));
    assert.ok(problemsOf({ ...GOOD, pidFile: '/run/nginx pid' }).includes('pid-file'));
    assert.deepEqual(problemsOf({ ...GOOD, authPass: 'ninechars' }), ['auth-pass']);
    assert.deepEqual(problemsOf({ ...GOOD, upstreamsFile: '/etc/nginx/gateway/upstreams' }), [
      'upstreams-file',
    ]);
    assert.deepEqual(problemsOf({ ...GOOD, confirmTimeout: '1000' }), ['confirm-timeout']);
    assert.deepEqual(problemsOf({ ...GOOD, healthUrl: 'ftp://127.0.0.1/healthz' }), ['health-url']);
    assert.deepEqual(problemsOf({ ...GOOD, interface: 'a-very-long-interface' }), ['interface']);
    assert.deepEqual(problemsOf({ ...GOOD, listen: '10.0.0.1:8080' }), []);
  });
});
