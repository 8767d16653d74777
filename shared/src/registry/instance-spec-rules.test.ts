import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  canonicalSpecJson,
  checkInstanceSpec,
  FieldViolation,
  normalizeHost,
  parseInstanceId,
  type InstanceSpecInput,
} from '../index.js';

const base: InstanceSpecInput = {
  group: 'default',
  host: '10.0.0.1',
  port: 80,
  weight: 0,
  backup: false,
  adminState: 'enabled',
  metadata: {},
};

describe('instance spec rules (Register and render share them)', () => {
  it('normalizes hosts: IPv6 compressed lower-case, DNS lower-case without the trailing dot', () => {
    assert.equal(normalizeHost('h', '2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(normalizeHost('h', '::ffff:10.0.0.1'), '::ffff:a00:1');
    assert.equal(normalizeHost('h', 'Core-1.Example.'), 'core-1.example');
    assert.equal(normalizeHost('h', '192.168.0.10'), '192.168.0.10');
  });

  it('refuses anything that could leave an nginx server line', () => {
    for (const host of [
      '1.2.3.4;',
      'a b',
      'a\tb',
      'a{',
      'a}',
      '"a"',
      "'a'",
      'a\nb',
      '$x',
      'a#b',
      'a\\b',
      'a/b',
      '-a.com',
      'a..b',
      '01.2.3.4',
      '1.2.3.4.5',
      'unix',
      'UNIX.',
      '',
    ]) {
      assert.throws(
        () => normalizeHost('instance.host', host),
        FieldViolation,
        JSON.stringify(host),
      );
    }
  });

  it('fills the default weight and sorts metadata canonically', () => {
    const spec = checkInstanceSpec({ ...base, metadata: { b: '2', a: '1' } }, 'instance');
    assert.equal(spec.weight, 1);
    assert.equal(
      canonicalSpecJson(spec),
      canonicalSpecJson(checkInstanceSpec({ ...base, metadata: { a: '1', b: '2' } }, 'instance')),
    );
    assert.equal(Object.keys(spec.metadata).join(), 'a,b');
  });

  it('names the field of the first problem', () => {
    assert.throws(
      () => checkInstanceSpec({ ...base, port: 0 }, 'stored'),
      /^FieldViolation: stored\.port/,
    );
    assert.throws(
      () => checkInstanceSpec({ ...base, weight: 101 }, 'instance'),
      (error: FieldViolation) => error.field === 'instance.weight',
    );
  });

  it('accepts only ids that Register could have built', () => {
    assert.equal(
      parseInstanceId('instance_id', 'default/2001:db8::1/80'),
      'default/2001:db8::1/80',
    );
    for (const id of [
      'default/2001:DB8::1/80',
      'default/a b/80',
      'default//80',
      'default/x/0',
      'default/x/65536',
      'x/y',
    ]) {
      assert.throws(() => parseInstanceId('instance_id', id), FieldViolation, id);
    }
  });
});
