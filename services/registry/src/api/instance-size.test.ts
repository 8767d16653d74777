import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { AdminState, Instance } from '@gateway/proto/registry';
import { instanceSizeBound } from './instance-size.js';

function instance(overrides: Partial<Instance['spec']> & { id?: string } = {}): Instance {
  const { id, ...spec } = overrides;
  return {
    id: id ?? 'default/10.0.0.1/8080',
    spec: {
      group: 'default',
      host: '10.0.0.1',
      port: 8080,
      weight: 1,
      maxFails: undefined,
      failTimeout: undefined,
      backup: false,
      adminState: AdminState.ADMIN_STATE_ENABLED,
      metadata: {},
      ...spec,
    },
    registerTime: new Date(1_764_000_000_123),
    leaseExpireTime: new Date(1_764_000_015_123),
    leaseDuration: { seconds: 15, nanos: 0 },
    revision: 123_456_789,
    quarantine: undefined,
    ownerToken: '',
  };
}

const fullMetadata: Record<string, string> = {};
for (let j = 0; j < 16; j++) fullMetadata[`k${j}`.padEnd(63, 'x')] = 'v'.repeat(256);
const unicodeMetadata: Record<string, string> = {
  region: 'ü'.repeat(256),
  emoji: '😀'.repeat(128),
};

describe('instance size bound', () => {
  it('is never below the encoded size, and within a few percent of it for large instances', () => {
    const samples = [
      instance(),
      instance({ metadata: fullMetadata }),
      instance({ metadata: unicodeMetadata, maxFails: 100, backup: true }),
      instance({
        id: `default/${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example/65535`,
        host: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example`,
        port: 65_535,
        weight: 100,
        failTimeout: { seconds: 3600, nanos: 0 },
        adminState: AdminState.ADMIN_STATE_DRAINING,
        metadata: fullMetadata,
      }),
      { ...instance(), spec: undefined, leaseExpireTime: undefined },
      {
        ...instance({ metadata: fullMetadata }),
        quarantine: {
          reason: 'host not found in upstream "nx-does-not-exist.invalid:80" ü'.repeat(20),
          nodeIp: '2001:db8::1234',
          quarantineTime: new Date(1_764_000_000_123),
          nextCheckTime: new Date(1_764_000_300_123),
          failedChecks: 2_000_000_000,
        },
      },
    ];
    for (const sample of samples) {
      const exact = Instance.encode(sample).finish().length;
      const bound = instanceSizeBound(sample);
      assert.ok(bound >= exact, `bound ${bound} < exact ${exact}`);
      if (exact > 4000) assert.ok(bound <= exact * 1.05, `bound ${bound} far above exact ${exact}`);
    }
  });
});
