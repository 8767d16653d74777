import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { AdminState } from '@gateway/proto/registry';
import { durationFromMs, instanceToProto, selfPreservationToProto } from './response-mapping.js';

const STORED = {
  id: 'default/10.0.0.1/8080',
  revision: 3,
  registerTime: 1_700_000_000_000,
  leaseMs: 15_500,
  fingerprint: 'f',
  spec: {
    group: 'default',
    host: '10.0.0.1',
    port: 8080,
    weight: 2,
    failTimeoutSeconds: 30,
    backup: true,
    adminState: 'draining' as const,
    metadata: { zone: 'a' },
  },
};

describe('Registry response mapping', () => {
  it('splits milliseconds into a protobuf Duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => {
        const { seconds, nanos } = durationFromMs(ms);
        assert.ok(nanos >= 0 && nanos < 1e9);
        assert.equal(seconds * 1000 + nanos / 1e6, ms);
      }),
    );
  });

  it('shows a stored instance with its lease expiry only when it has one', () => {
    const shown = instanceToProto(STORED);
    assert.equal(shown.spec?.adminState, AdminState.ADMIN_STATE_DRAINING);
    assert.deepEqual(shown.spec?.failTimeout, { seconds: 30, nanos: 0 });
    assert.deepEqual(shown.leaseDuration, { seconds: 15, nanos: 500_000_000 });
    assert.equal(shown.registerTime?.getTime(), STORED.registerTime);
    assert.equal(shown.leaseExpireTime, undefined);
    const leased = instanceToProto({ ...STORED, leaseExpireTime: STORED.registerTime + 15_500 });
    assert.equal(leased.leaseExpireTime?.getTime(), STORED.registerTime + 15_500);
    const enabled = instanceToProto({ ...STORED, spec: { ...STORED.spec, adminState: 'enabled' } });
    assert.equal(enabled.spec?.adminState, AdminState.ADMIN_STATE_ENABLED);
  });

  it('explains self-preservation with the counts, the window and the share', () => {
    assert.equal(selfPreservationToProto(undefined, 0.5, 60_000).active, false);
    const shown = selfPreservationToProto(
      { expiredCount: 6, totalCount: 10, recentlyEvicted: 1, decideTime: 5_000 },
      0.5,
      60_000,
    );
    assert.equal(shown.active, true);
    assert.equal(shown.decideTime?.getTime(), 5_000);
    assert.equal(
      shown.reason,
      '6 of 10 leases expired and 1 instances were evicted in the last 60 s: more than 50% at once, evicting nothing until heartbeats return',
    );
  });
});
