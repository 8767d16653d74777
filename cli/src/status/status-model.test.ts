import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { PushOutcome } from '@gateway/proto/configpush';
import { Status } from '@gateway/proto/health';
import { AdminState } from '@gateway/proto/registry';
import { diffVerdict } from '../commands/diff-verdict.js';
import { Colour } from '../output/colour.js';
import { formatStatus } from './format-status.js';
import { buildStatus } from './status-model.js';

const at = (iso: string) => new Date(iso);
const node = (ip: string, status: Status, stale = false, vrrpState = '') => ({
  spec: { ip, healthUrl: `http://${ip}/healthz`, ssh: undefined, configPath: '/u.conf', label: '' },
  health: {
    status,
    stale,
    lastProbeTime: at('2026-11-25T10:00:00Z'),
    lastProbeLatency: undefined,
    lastChangeTime: at('2026-11-25T09:58:00Z'),
    reason: status === Status.STATUS_DOWN ? 'connection refused' : '',
    consecutiveFailures: 0,
    consecutiveSuccesses: 1,
    lastReporter: '',
    staleReason: '',
    vrrpState,
    vrrpInstance: vrrpState ? 'VI_1' : '',
    vrrpChangeTime: vrrpState ? at('2026-11-25T09:00:00Z') : undefined,
  },
});
const alert = (source: string, state: number, time: string, message: string) => ({
  id: '1-0',
  key: `k-${message}`,
  kind: 'node_down',
  message,
  state,
  node: '',
  revision: 0,
  source,
  replica: 'r',
  raiseTime: at(time),
  details: {},
});
const instance = (group: string, port: number, adminState = AdminState.ADMIN_STATE_ENABLED) => ({
  id: `${group}/10.0.0.1/${port}`,
  spec: {
    group,
    host: '10.0.0.1',
    port,
    weight: 1,
    maxFails: undefined,
    failTimeout: undefined,
    backup: false,
    adminState,
    metadata: {},
  },
  registerTime: undefined,
  leaseExpireTime: undefined,
  leaseDuration: undefined,
  revision: 1,
  quarantine: undefined,
  ownerToken: '',
});
const push = {
  alertDelivery: undefined,
  desiredRevision: 7,
  desiredContentHash: 'h7',
  leader: 'replica-a',
  refusals: [],
  registryRevision: 7,
  epoch: 'e1',
  desiredEpoch: 'e1',
  quarantinedInstances: [
    {
      instanceId: 'default/nx-does-not-exist.invalid/80',
      reason: 'host not found in upstream',
      nodeIp: '10.0.0.100',
      quarantineTime: new Date('2026-11-25T10:00:00Z'),
      nextCheckTime: new Date('2026-11-25T10:00:05Z'),
      failedChecks: 1,
    },
  ],
  nodes: [
    {
      nodeIp: '10.0.0.100',
      appliedRevision: 7,
      appliedEpoch: 'e1',
      appliedContentHash: 'h7',
      appliedTime: at('2026-11-25T10:00:00Z'),
      lastResult: {
        nodeIp: '10.0.0.100',
        outcome: PushOutcome.PUSH_OUTCOME_APPLIED,
        revision: 7,
        contentHash: 'h7',
        error: '',
        finishTime: at('2026-11-25T10:00:00Z'),
      },
    },
    {
      nodeIp: '10.0.0.101',
      appliedRevision: 5,
      appliedEpoch: 'e1',
      appliedContentHash: 'h5',
      appliedTime: at('2026-11-25T09:00:00Z'),
      lastResult: {
        nodeIp: '10.0.0.101',
        outcome: PushOutcome.PUSH_OUTCOME_FAILED,
        revision: 7,
        contentHash: 'h7',
        error: 'ssh: timeout',
        finishTime: at('2026-11-25T10:00:00Z'),
      },
    },
  ],
};

describe('the status screen', () => {
  const model = buildStatus({
    nodes: [
      node('10.0.0.100', Status.STATUS_UP, false, 'MASTER'),
      node('10.0.0.101', Status.STATUS_DOWN, true, 'MASTER'),
    ],
    alerts: [
      [alert('health', 1, '2026-11-25T10:00:30Z', 'node 10.0.0.101 is DOWN')],
      [alert('config-push', 2, '2026-11-25T10:00:40Z', 'push to 10.0.0.100 recovered')],
    ],
    push,
    instances: {
      instances: [
        instance('default', 1),
        instance('default', 2, AdminState.ADMIN_STATE_DRAINING),
        instance('orders', 3),
      ],
      nextPageToken: '',
      revision: 9,
      epoch: 'e1',
      selfPreservation: undefined,
    },
    errors: [],
  });

  it('joins health with what config-push recorded per node', () => {
    assert.deepEqual(
      model.nodes?.map((entry) => [
        entry.ip,
        entry.status,
        entry.stale,
        entry.appliedRevision,
        entry.upToDate,
        entry.lastPush?.outcome,
      ]),
      [
        ['10.0.0.100', 'UP', false, 7, true, 'APPLIED'],
        ['10.0.0.101', 'DOWN', true, 5, false, 'FAILED'],
      ],
    );
    assert.deepEqual(model.instances?.groups, [
      { group: 'default', instances: 2, draining: 1, backup: 0 },
      { group: 'orders', instances: 1, draining: 0, backup: 0 },
    ]);
    assert.equal(model.push?.leader, 'replica-a');
  });

  it('names the VIP holder from the VRRP states the UP nodes report, and a split brain', () => {
    assert.deepEqual(
      model.vip,
      { holders: ['10.0.0.100'], note: '' },
      'a DOWN node does not hold it',
    );
    const both = buildStatus({
      nodes: [
        node('10.0.0.100', Status.STATUS_UP, false, 'MASTER'),
        node('10.0.0.101', Status.STATUS_UP, false, 'MASTER'),
      ],
      errors: [],
    });
    assert.deepEqual(both.vip?.holders, ['10.0.0.100', '10.0.0.101']);
    assert.match(both.vip?.note ?? '', /split brain/);
    const silent = buildStatus({ nodes: [node('10.0.0.100', Status.STATUS_UP)], errors: [] });
    assert.deepEqual(silent.vip?.holders, []);
    assert.match(silent.vip?.note ?? '', /no node reports/);
  });

  it('lists the last alerts of both services, newest first', () => {
    assert.deepEqual(
      model.alerts?.map((entry) => [entry.source, entry.state, entry.message]),
      [
        ['config-push', 'resolved', 'push to 10.0.0.100 recovered'],
        ['health', 'firing', 'node 10.0.0.101 is DOWN'],
      ],
    );
  });

  it('prints one screen without colour when not on a terminal', () => {
    const text = formatStatus(model, Colour({ isTTY: false }), Date.parse('2026-11-25T10:01:00Z'));
    assert.match(text, /leader replica-a\s+desired revision 7/);
    assert.match(
      text,
      /10\.0\.0\.101\s+DOWN \(stale\)\s+3m ago\s+connection refused\s+MASTER\s+5 h5 \(behind\)\s+FAILED r7 60s ago: ssh: timeout/,
    );
    assert.match(text, /orders\s+1\s+0\s+0/);
    assert.match(text, /VIP holder\s+10\.0\.0\.100/);
    assert.match(
      text,
      /last alerts \(2\)\n.*RESOLVED\s+config-push: push to 10\.0\.0\.100 recovered/,
    );
    assert.match(
      text,
      /quarantined instances \(1\)\n {2}default\/nx-does-not-exist\.invalid\/80 .*on 10\.0\.0\.100 .*host not found in upstream/,
    );
    assert.ok(!text.includes('\u001b['));
    assert.ok(
      formatStatus(model, Colour({ isTTY: true }, {})).includes('\u001b['),
      'colour on a terminal',
    );
    assert.ok(
      !formatStatus(model, Colour({ isTTY: true }, { NO_COLOR: '1' })).includes('\u001b['),
      'NO_COLOR honoured',
    );
  });

  it('keeps the sections that answered when a service did not', () => {
    const partial = buildStatus({
      errors: [{ service: 'registry', message: 'registry: UNAVAILABLE' }],
    });
    assert.equal(partial.nodes, undefined);
    assert.match(formatStatus(partial, Colour({ isTTY: false })), /registry: UNAVAILABLE/);
  });
});

describe('diff verdict', () => {
  const render = { content: '', revision: 8, contentHash: 'h7', refusals: [] };
  it('is the same when the applied hash equals the render, different otherwise', () => {
    assert.equal(diffVerdict('10.0.0.100', push, render).same, true);
    const behind = diffVerdict('10.0.0.101', push, render);
    assert.equal(behind.same, false);
    assert.match(behind.reason, /not applied the desired config/);
    assert.match(
      diffVerdict('10.0.0.100', push, { ...render, contentHash: 'h8' }).reason,
      /registry changed/,
    );
    assert.match(diffVerdict('10.0.0.9', push, render).reason, /no confirmed apply/);
  });
});
