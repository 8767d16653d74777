import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { Status } from 'nice-grpc';
import { WatchNodesResponse } from '@gateway/proto/health';
import type { NodeView } from '../state/node-view.js';
import { nodeSnapshotChunks } from './node-snapshot-chunks.js';

function view(i: number): NodeView {
  const ip = `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  return {
    spec: {
      ip,
      healthUrl: `http://${ip}/healthz`,
      ssh: { host: ip, port: 22, user: 'gateway', hostKey: `ssh-ed25519 ${'A'.repeat(68)}` },
      configPath: '/etc/nginx/conf.d/gateway-upstreams.conf',
      label: `rack-${i}`,
    },
    health: {
      status: 'UP',
      stale: false,
      lastProbeTime: 1_764_000_000_000,
      lastProbeLatencyMs: 3,
      lastChangeTime: 1_764_000_000_000,
      reason: 'first probe: HTTP 200',
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
      lastReporter: '',
      staleReason: '',
      vrrpState: '',
      vrrpInstance: '',
      vrrpChangeTime: undefined,
    },
  };
}

describe('WatchNodes snapshot chunks', () => {
  const views = Array.from({ length: 1_000 }, (_, i) => view(i));

  it('splits a large inventory into messages under the bound, all marked snapshot, more on all but the last', () => {
    const messages = nodeSnapshotChunks(views, { chunked: true, maxMessageBytes: 65_536 });
    assert.ok(messages.length > 1);
    for (const message of messages) {
      assert.ok(WatchNodesResponse.encode(message).finish().length <= 65_536);
      assert.equal(message.snapshot, true);
    }
    assert.deepEqual(
      messages.map((message) => message.more),
      messages.map((_, index) => index < messages.length - 1),
    );
    assert.deepEqual(
      messages.flatMap((message) => message.nodes.map((node) => node.spec?.ip)),
      views.map((entry) => entry.spec.ip),
    );
  });

  it('sends one message to a client without chunks, or FAILED_PRECONDITION when it would not fit', () => {
    const one = nodeSnapshotChunks(views.slice(0, 3), { chunked: false, maxMessageBytes: 65_536 });
    assert.equal(one.length, 1);
    assert.equal(one[0].more, false);
    assert.equal(one[0].nodes.length, 3);
    assert.deepEqual(nodeSnapshotChunks([], { chunked: true, maxMessageBytes: 65_536 }), [
      { nodes: [], snapshot: true, more: false },
    ]);
    assert.throws(
      () => nodeSnapshotChunks(views, { chunked: false, maxMessageBytes: 65_536 }),
      (error: { code?: Status }) => error.code === Status.FAILED_PRECONDITION,
    );
  });
});
