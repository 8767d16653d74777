import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FieldViolation } from '../validation/field-violation.js';
import { decodeStoredNode } from './decode-stored-node.js';
import { checkNodeSpec, normalizeNodeIp, type NodeSpecInput } from './node-spec-rules.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFGaiNQ98yFS7zeFTHND4uC4qbFV6QZAmTeDKQ58fPrY';
const RSA_DATA =
  'AAAAB3NzaC1yc2EAAAADAQABAAAAgQDaoZG2Xs4GIQzlxgANr0rh/dmcs/fc0TyibXG2mGPaf8C4kMrRWy0hiCesOHk2Zu7Y8C908VM6U3vYvrDK4K2xdKFdTy5/HpAkASfTsf9h9kWWLSvVUnesj8DIxOaE+t/eEnZS0pE/QxLNBCw+wno13QOc9CyFUA9zJVM6aSPc/Q==';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOYSGLB3Rk5zt20UPfPdT5QJsOsMvzaihQxJ6Kd7J98E4gdn5HTXQj8DPH6ninjqJzYGC3ehCF/1fKjvRI6t8Vc=';
const base: NodeSpecInput = {
  ip: '10.0.0.1',
  healthUrl: '',
  ssh: { host: '', port: 0, user: 'gateway-push', hostKey: '' },
  configPath: '/etc/nginx/conf.d/gateway-upstreams.conf',
  label: '',
};

function violates(input: NodeSpecInput, field: string, reason: RegExp) {
  assert.throws(
    () => checkNodeSpec(input, 'node'),
    (error: unknown) =>
      error instanceof FieldViolation && error.field === field && reason.test(error.description),
    field,
  );
}

describe('node spec rules (AddNode, UpdateNode and the stored inventory share them)', () => {
  it('fills the defaults: health URL on the node ip, SSH to the node ip on port 22', () => {
    assert.deepEqual(checkNodeSpec(base, 'node'), {
      ip: '10.0.0.1',
      healthUrl: 'http://10.0.0.1/healthz',
      ssh: { host: '10.0.0.1', port: 22, user: 'gateway-push' },
      configPath: base.configPath,
      label: '',
    });
    const v6 = checkNodeSpec({ ...base, ip: '2001:DB8::7' }, 'node');
    assert.equal(v6.ip, '2001:db8::7');
    assert.equal(v6.healthUrl, 'http://[2001:db8::7]/healthz');
  });

  it('keeps a pinned host key without surrounding blanks, and an explicit SSH endpoint', () => {
    const spec = checkNodeSpec(
      { ...base, ssh: { host: 'Bastion.Example', port: 2222, user: 'push', hostKey: ` ${KEY} ` } },
      'node',
    );
    assert.deepEqual(spec.ssh, { host: 'bastion.example', port: 2222, user: 'push', hostKey: KEY });
  });

  it('identifies a node by its ip only', () => {
    assert.equal(normalizeNodeIp('ip', '10.0.0.1'), '10.0.0.1');
    for (const ip of ['node1.example', 'fe80::1%eth0', '', '10.0.0.256'])
      assert.throws(() => normalizeNodeIp('ip', ip), FieldViolation, ip);
  });

  it('never lets a probe point elsewhere than the node, nor carry credentials or a fragment', () => {
    violates({ ...base, healthUrl: 'http://10.0.0.2/healthz' }, 'node.health_url', /node itself/);
    violates({ ...base, healthUrl: 'ftp://10.0.0.1/' }, 'node.health_url', /http/);
    violates({ ...base, healthUrl: 'http://u:p@10.0.0.1/' }, 'node.health_url', /credentials/);
    violates({ ...base, healthUrl: 'http://10.0.0.1/#x' }, 'node.health_url', /fragment/);
    violates({ ...base, healthUrl: 'not a url' }, 'node.health_url', /not a URL/);
    assert.equal(
      checkNodeSpec({ ...base, healthUrl: 'https://10.0.0.1:8443/ready' }, 'node').healthUrl,
      'https://10.0.0.1:8443/ready',
    );
  });

  it('refuses a bad SSH user, port or host key', () => {
    violates({ ...base, ssh: { ...base.ssh, user: 'Root' } }, 'node.ssh.user', /login name/);
    violates({ ...base, ssh: { ...base.ssh, user: '' } }, 'node.ssh.user', /required/);
    violates(
      { ...base, ssh: { ...base.ssh, port: 70_000 } },
      'node.ssh.port',
      /between 1 and 65535/,
    );
    violates(
      { ...base, ssh: { ...base.ssh, hostKey: `${KEY} admin@host` } },
      'node.ssh.host_key',
      /no comment/,
    );
  });

  it('refuses a pinned host key whose key data is not of its declared type or does not parse', () => {
    const withKey = (hostKey: string) => ({ ...base, ssh: { ...base.ssh, hostKey } });
    for (const good of [KEY, `ssh-rsa ${RSA_DATA}`, ECDSA])
      assert.equal(checkNodeSpec(withKey(good), 'node').ssh.hostKey, good);
    violates(
      withKey(`ssh-ed25519 ${RSA_DATA}`),
      'node.ssh.host_key',
      /ssh-rsa key, not the declared ssh-ed25519/,
    );
    violates(
      withKey(`ssh-rsa ${KEY.split(' ')[1]}`),
      'node.ssh.host_key',
      /ssh-ed25519 key, not the declared ssh-rsa/,
    );
    violates(
      withKey(`ecdsa-sha2-nistp384 ${ECDSA.split(' ')[1]}`),
      'node.ssh.host_key',
      /not the declared ecdsa-sha2-nistp384/,
    );
    const ed25519Blob = Buffer.from(KEY.split(' ')[1], 'base64');
    const truncated = ed25519Blob.subarray(0, ed25519Blob.length - 5).toString('base64');
    violates(
      withKey(`ssh-ed25519 ${truncated}`),
      'node.ssh.host_key',
      /does not parse as an ssh-ed25519 key/,
    );
    const trailing = Buffer.concat([ed25519Blob, Buffer.from([0, 0, 0, 0])]).toString('base64');
    violates(withKey(`ssh-ed25519 ${trailing}`), 'node.ssh.host_key', /trailing bytes/);
    violates(withKey('ssh-ed25519 AAAA'), 'node.ssh.host_key', /does not parse/);
  });

  it('accepts only an absolute .conf path without . or .. segments', () => {
    for (const configPath of [
      'relative.conf',
      '/etc/nginx/../shadow.conf',
      '/etc/x.txt',
      '/a b.conf',
    ])
      violates({ ...base, configPath }, 'node.config_path', /absolute path/);
    violates({ ...base, configPath: '' }, 'node.config_path', /required/);
  });

  it('refuses a label with control characters', () => {
    violates({ ...base, label: 'edge\n1' }, 'node.label', /control characters/);
  });

  it('decodes a stored node, validating it again and checking it is the node of its field', () => {
    const json = JSON.stringify(checkNodeSpec(base, 'node'));
    assert.equal(decodeStoredNode('10.0.0.1', json).ssh.port, 22);
    assert.throws(() => decodeStoredNode('10.0.0.9', json), /holds the spec of 10\.0\.0\.1/);
    const hostile = JSON.stringify({ ...checkNodeSpec(base, 'node'), configPath: '/tmp/x;y.conf' });
    assert.throws(
      () => decodeStoredNode('10.0.0.1', hostile),
      (error: unknown) =>
        error instanceof FieldViolation && error.field === 'nodes[10.0.0.1].config_path',
    );
  });
});
