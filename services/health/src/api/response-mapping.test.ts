import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { Status } from '@gateway/proto/health';
import { nodeToProto, statusToProto } from './response-mapping.js';

const SPEC = {
  ip: '10.0.0.1',
  healthUrl: 'http://10.0.0.1/healthz',
  ssh: { host: '10.0.0.1', port: 22, user: 'push' },
  configPath: '/etc/nginx/u.conf',
  label: '',
};

describe('health response mapping', () => {
  it('maps UP, DOWN and no status yet', () => {
    assert.equal(statusToProto('UP'), Status.STATUS_UP);
    assert.equal(statusToProto('DOWN'), Status.STATUS_DOWN);
    assert.equal(statusToProto(undefined), Status.STATUS_UNSPECIFIED);
  });

  it('shows a never-probed node without times, a probed one with them', () => {
    const never = nodeToProto({
      spec: SPEC,
      health: {
        status: undefined,
        stale: true,
        lastProbeTime: undefined,
        lastProbeLatencyMs: undefined,
        lastChangeTime: undefined,
        reason: '',
        consecutiveFailures: 0,
        consecutiveSuccesses: 0,
        lastReporter: '',
        staleReason: '',
        vrrpState: '',
        vrrpInstance: '',
        vrrpChangeTime: undefined,
      },
    });
    assert.equal(never.health?.lastProbeTime, undefined);
    assert.equal(never.health?.lastProbeLatency, undefined);
    assert.equal(never.spec?.ssh?.hostKey, '', 'no pinned key shows as empty');
    const probed = nodeToProto({
      spec: SPEC,
      health: {
        status: 'DOWN',
        stale: false,
        lastProbeTime: 2_000,
        lastProbeLatencyMs: 1_250,
        lastChangeTime: 1_500,
        reason: 'connection refused',
        consecutiveFailures: 2,
        consecutiveSuccesses: 0,
        lastReporter: 'core-1',
        staleReason: '',
        vrrpState: '',
        vrrpInstance: '',
        vrrpChangeTime: undefined,
      },
    });
    assert.equal(probed.health?.status, Status.STATUS_DOWN);
    assert.equal(probed.health?.lastProbeTime?.getTime(), 2_000);
    assert.deepEqual(probed.health?.lastProbeLatency, { seconds: 1, nanos: 250_000_000 });
    assert.equal(probed.health?.lastChangeTime?.getTime(), 1_500);
    assert.equal(probed.health?.lastReporter, 'core-1');
  });
});
