import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { HostPolicy } from './host-policy.js';

describe('the instance host policy', () => {
  it('admits any ordinary host with "*" but refuses loopback, link-local and unspecified', () => {
    const policy = HostPolicy('*');
    for (const host of ['10.0.0.1', '192.0.2.7', 'core-1.example.com', '2001:db8::1'])
      assert.equal(policy.refusal(host), undefined, host);
    for (const [host, what] of [
      ['127.0.0.1', 'loopback'],
      ['127.8.9.10', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['localhost', 'loopback'],
      ['api.localhost', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['fe80::1', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
    ]) {
      assert.match(policy.refusal(host) ?? 'admitted', new RegExp(`is an? ${what}`), host);
    }
  });

  it('admits a special range only when an entry names it, not through a wider one', () => {
    const policy = HostPolicy('*,127.0.0.0/8');
    assert.equal(policy.refusal('127.0.0.3'), undefined);
    assert.equal(policy.refusal('10.1.1.1'), undefined);
    assert.match(policy.refusal('::1') ?? '', /loopback/);
    assert.match(HostPolicy('0.0.0.0/0').refusal('127.0.0.1') ?? '', /loopback/);
    assert.equal(HostPolicy('localhost').refusal('localhost'), undefined);
  });

  it('limits hosts to the listed ranges and DNS suffixes', () => {
    const policy = HostPolicy('10.1.0.0/16, fd00::/8, .svc.cluster.local, example.com');
    assert.equal(policy.refusal('10.1.2.3'), undefined);
    assert.equal(policy.refusal('fd00::5'), undefined);
    assert.equal(policy.refusal('core.orders.svc.cluster.local'), undefined);
    assert.equal(policy.refusal('example.com'), undefined);
    assert.equal(policy.refusal('a.example.com'), undefined);
    for (const host of ['10.2.0.1', 'svc.cluster.local.evil.com', 'badexample.com', '2001:db8::1'])
      assert.match(policy.refusal(host) ?? 'admitted', /not within REGISTRY_ALLOWED_HOSTS/, host);
  });

  it('refuses a malformed list', () => {
    assert.throws(() => HostPolicy(''), /at least one entry/);
    assert.throws(() => HostPolicy('10.0.0.0/33'), /prefix length must be 0 to 32/);
    assert.throws(() => HostPolicy('bad_name!'), /neither/);
  });
});
