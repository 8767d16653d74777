import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseInstanceChange } from './instance-change.js';

const SPEC = {
  group: 'default',
  host: '10.0.0.1',
  port: 8080,
  weight: 1,
  backup: false,
  adminState: 'enabled',
  metadata: {},
};
const STORED = {
  id: 'default/10.0.0.1/8080',
  revision: 4,
  registerTime: 1,
  leaseMs: 15_000,
  fingerprint: 'f',
  spec: SPEC,
};

describe('instance change messages', () => {
  it('reads a registration with its instance, validated again', () => {
    const change = parseInstanceChange(
      JSON.stringify({ revision: 4, type: 'REGISTERED', id: STORED.id, instance: STORED }),
    );
    assert.equal(change?.type, 'REGISTERED');
    assert.equal(change?.revision, 4);
    assert.equal(change?.instance?.spec.host, '10.0.0.1');
  });

  it('reads a deregistration or expiry without an instance, with its store epoch', () => {
    const epoch = '1700000000000-0123456789abcdef';
    assert.deepEqual(
      parseInstanceChange(JSON.stringify({ epoch, revision: 5, type: 'EXPIRED', id: STORED.id })),
      { epoch, revision: 5, type: 'EXPIRED', id: STORED.id },
    );
  });

  it('reads a message of a writer older than store epochs as epoch ""', () => {
    assert.deepEqual(
      parseInstanceChange(JSON.stringify({ revision: 5, type: 'EXPIRED', id: STORED.id })),
      { epoch: '', revision: 5, type: 'EXPIRED', id: STORED.id },
    );
  });

  it('finds unreadable what is not JSON, lacks a field, has an unknown type or an invalid instance', () => {
    const hostile = { ...STORED, spec: { ...SPEC, host: '10.0.0.1;\n}' } };
    for (const message of [
      'not json',
      JSON.stringify({ type: 'REGISTERED', id: STORED.id }),
      JSON.stringify({ revision: '4', type: 'REGISTERED', id: STORED.id }),
      JSON.stringify({ revision: 4, type: 'RENAMED', id: STORED.id }),
      JSON.stringify({ revision: 4, type: 'UPDATED', id: STORED.id, instance: hostile }),
      JSON.stringify({ revision: 4, type: 'UPDATED', id: 'other/10.0.0.1/1', instance: STORED }),
    ])
      assert.equal(parseInstanceChange(message), undefined, message);
  });
});
