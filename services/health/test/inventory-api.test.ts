import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status as GrpcStatus, ServerError, ClientError } from 'nice-grpc';
import { FailureKind, ProbeDecision, Status } from '@gateway/proto/health';
import { parseNodeChange, RedisChannels, RedisKeys } from '@gateway/shared';
import { waitFor, type NginxHandle, type RedisServerHandle } from '@gateway/testkit';
import { Redis } from 'ioredis';
import {
  bearer,
  nodeSpec,
  startHealthWithNginx,
  TOKENS,
  type HealthFixture,
} from './support/health-fixture.js';
import { keyspaceSnapshot } from './support/keyspace.js';

async function expectCode(
  call: Promise<unknown>,
  code: GrpcStatus,
  field?: string,
): Promise<string> {
  try {
    await call;
  } catch (error) {
    assert.ok(
      error instanceof ClientError || error instanceof ServerError,
      `a gRPC error, got ${String(error)}`,
    );
    assert.equal(GrpcStatus[error.code], GrpcStatus[code], error.details);
    if (field)
      assert.ok(error.details.startsWith(`${field}:`), `"${error.details}" names ${field}`);
    assert.ok(!/\n\s+at /.test(error.details), 'no stack trace');
    return error.details;
  }
  assert.fail(`expected ${GrpcStatus[code]}`);
}

/** An RSA key's data under an ed25519 type: passes the line's shape, never a handshake. */
const RSA_KEY_DECLARED_ED25519 =
  'ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAAAgQDaoZG2Xs4GIQzlxgANr0rh/dmcs/fc0TyibXG2mGPaf8C4kMrRWy0hiCesOHk2Zu7Y8C908VM6U3vYvrDK4K2xdKFdTy5/HpAkASfTsf9h9kWWLSvVUnesj8DIxOaE+t/eEnZS0pE/QxLNBCw+wno13QOc9CyFUA9zJVM6aSPc/Q==';

describe('health: node inventory RPCs and input validation on a real redis-server', () => {
  let redis: RedisServerHandle;
  let nginx: NginxHandle;
  let fixture: HealthFixture;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ redis, nginx, fixture, close } = await startHealthWithNginx('127.0.0.4'));
  });
  afterAll(async () => await close?.());

  it('adds, updates, lists, gets and removes nodes; every change bumps the revision and is published', async () => {
    const { admin } = fixture;
    const subscriber = new Redis({ host: '127.0.0.1', port: redis.port });
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(RedisChannels.nodeChanges);
    try {
      const added = await admin.addNode({
        node: nodeSpec('127.0.0.4', nginx.port, {
          label: 'master',
          ssh: { host: '', port: 0, user: 'deploy', hostKey: '' },
        }),
      });
      assert.equal(added.node?.spec?.ssh?.port, 22, 'ssh port defaults to 22');
      assert.equal(added.node?.spec?.ssh?.host, '127.0.0.4', 'ssh host defaults to the ip');
      const stored: unknown = JSON.parse((await redis.client.hget(RedisKeys.nodes, '127.0.0.4'))!);
      assert.deepEqual(stored, {
        ip: '127.0.0.4',
        healthUrl: `http://127.0.0.4:${nginx.port}/healthz`,
        ssh: { host: '127.0.0.4', port: 22, user: 'deploy' },
        configPath: '/etc/nginx/conf.d/gateway-upstream.conf',
        label: 'master',
      });
      // Added nodes are probed at once.
      await waitFor(
        'the new node UP',
        async () =>
          (await admin.getNode({ ip: '127.0.0.4' })).node?.health?.status === Status.STATUS_UP,
      );
      await expectCode(
        admin.addNode({ node: nodeSpec('127.0.0.4', nginx.port) }),
        GrpcStatus.ALREADY_EXISTS,
      );

      // IPv6 in canonical form (the IPv6 loopback: tests send traffic nowhere else), default health URL.
      const v6 = await admin.addNode({ node: nodeSpec('0:0:0:0:0:0:0:1', 80, { healthUrl: '' }) });
      assert.equal(v6.node?.spec?.ip, '::1');
      assert.equal(v6.node?.spec?.healthUrl, 'http://[::1]/healthz');

      const updated = await admin.updateNode({
        node: nodeSpec('127.0.0.4', nginx.port, { label: 'backup' }),
      });
      assert.equal(updated.node?.spec?.label, 'backup');
      assert.equal(updated.node?.health?.status, Status.STATUS_UP, 'the status survives an update');
      await admin.updateNode({ node: nodeSpec('127.0.0.4', nginx.port, { label: 'backup' }) });
      assert.equal(
        await redis.client.get(RedisKeys.nodesRevision),
        '3',
        'an unchanged update is no revision',
      );

      const { nodes } = await admin.listNodes({});
      assert.deepEqual(
        nodes.map((node) => node.spec?.ip),
        ['127.0.0.4', '::1'],
      );

      await admin.removeNode({ ip: '0::1' });
      assert.equal(await redis.client.hexists(RedisKeys.nodes, '::1'), 0);
      assert.equal(
        await redis.client.exists(RedisKeys.healthStatus('::1'), RedisKeys.healthDetail('::1')),
        0,
        'status and detail removed',
      );
      await expectCode(admin.removeNode({ ip: '::1' }), GrpcStatus.NOT_FOUND);
      await expectCode(admin.getNode({ ip: '127.0.0.99' }), GrpcStatus.NOT_FOUND);
      await expectCode(
        admin.updateNode({ node: nodeSpec('127.0.0.99', 80) }),
        GrpcStatus.NOT_FOUND,
      );

      await waitFor('four change messages', () => messages.length === 4);
      assert.deepEqual(
        messages.map((message) => parseNodeChange(message)),
        [
          { type: 'ADDED', ip: '127.0.0.4', revision: 1 },
          { type: 'ADDED', ip: '::1', revision: 2 },
          { type: 'UPDATED', ip: '127.0.0.4', revision: 3 },
          { type: 'REMOVED', ip: '::1', revision: 4 },
        ],
      );
    } finally {
      subscriber.disconnect();
    }
  });

  it('answers bad input with INVALID_ARGUMENT naming the field, and writes nothing', async () => {
    const { admin, sdk } = fixture;
    await waitFor(
      'the node probed',
      async () =>
        (await admin.getNode({ ip: '127.0.0.4' })).node?.health?.status === Status.STATUS_UP,
    );
    // Joins any probe still in flight (the update's) and returns once it is applied: nothing runs now.
    await admin.probeNow({ ip: '127.0.0.4' });
    const before = await keyspaceSnapshot(redis.client);
    const probesBefore = nginx.accessLog().filter((entry) => entry.uri === '/healthz').length;
    const big = 'x'.repeat(10 * 1024);
    const bad: Array<[string, () => Promise<unknown>]> = [
      ['node', () => admin.addNode({})],
      ['node.ip', () => admin.addNode({ node: nodeSpec('10.0.0', 80) })],
      ['node.ip', () => admin.addNode({ node: nodeSpec('999.1.1.1', 80, { healthUrl: '' }) })],
      [
        'node.ip',
        () => admin.addNode({ node: nodeSpec('nginx-1.example', 80, { healthUrl: '' }) }),
      ],
      ['node.ip', () => admin.addNode({ node: nodeSpec('10.0.0.1:80', 80, { healthUrl: '' }) })],
      ['node.ip', () => admin.addNode({ node: nodeSpec(big, 80, { healthUrl: '' }) })],
      [
        'node.health_url',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, { healthUrl: 'http://127.0.0.9:80/healthz' }),
          }),
      ],
      [
        'node.health_url',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, { healthUrl: 'http://evil.example/healthz' }),
          }),
      ],
      [
        'node.health_url',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, { healthUrl: 'ftp://127.0.0.5/healthz' }),
          }),
      ],
      [
        'node.health_url',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, { healthUrl: `http://127.0.0.5/${big}` }),
          }),
      ],
      [
        'node.ssh.user',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, {
              ssh: { host: '', port: 0, user: 'Root; rm -rf /', hostKey: '' },
            }),
          }),
      ],
      [
        'node.ssh.user',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, { ssh: { host: '', port: 0, user: big, hostKey: '' } }),
          }),
      ],
      [
        'node.ssh.host',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, {
              ssh: { host: big, port: 0, user: 'deploy', hostKey: '' },
            }),
          }),
      ],
      [
        'node.ssh.port',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, {
              ssh: { host: '', port: 70000, user: 'deploy', hostKey: '' },
            }),
          }),
      ],
      [
        'node.ssh.host_key',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, {
              ssh: { host: '', port: 0, user: 'deploy', hostKey: RSA_KEY_DECLARED_ED25519 },
            }),
          }),
      ],
      [
        'node.ssh.host_key',
        () =>
          admin.updateNode({
            node: nodeSpec('127.0.0.5', 80, {
              ssh: {
                host: '',
                port: 0,
                user: 'deploy',
                hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA',
              },
            }),
          }),
      ],
      [
        'node.config_path',
        () =>
          admin.addNode({
            node: nodeSpec('127.0.0.5', 80, { configPath: '/etc/nginx/../passwd.conf' }),
          }),
      ],
      [
        'node.config_path',
        () => admin.addNode({ node: nodeSpec('127.0.0.5', 80, { configPath: `/${big}.conf` }) }),
      ],
      ['node.label', () => admin.addNode({ node: nodeSpec('127.0.0.5', 80, { label: big }) })],
      ['node.label', () => admin.addNode({ node: nodeSpec('127.0.0.5', 80, { label: 'a\nb' }) })],
      [
        'node.health_url',
        () =>
          admin.updateNode({
            node: nodeSpec('127.0.0.4', nginx.port, { healthUrl: 'http://127.0.0.5/healthz' }),
          }),
      ],
      [
        'node.label',
        () => admin.updateNode({ node: nodeSpec('127.0.0.4', nginx.port, { label: big }) }),
      ],
      ['ip', () => admin.getNode({ ip: 'not-an-ip' })],
      ['ip', () => admin.getNode({ ip: big })],
      ['ip', () => admin.removeNode({ ip: '127.0.0' })],
      ['ip', () => admin.removeNode({ ip: big })],
      ['ip', () => admin.probeNow({ ip: '127.0.0.99' })],
      ['ip', () => admin.probeNow({ ip: 'fe80::1%eth0' })],
      [
        'reporter',
        () =>
          sdk.reportSuspect({
            reporter: '',
            target: 'http://vip/',
            failureKind: 1,
            consecutiveFailures: 3,
          }),
      ],
      [
        'reporter',
        () =>
          sdk.reportSuspect({
            reporter: big,
            target: 'http://vip/',
            failureKind: 1,
            consecutiveFailures: 3,
          }),
      ],
      [
        'reporter',
        () =>
          sdk.reportSuspect({
            reporter: 'a\u0000b',
            target: 'http://vip/',
            failureKind: 1,
            consecutiveFailures: 3,
          }),
      ],
      [
        'target',
        () =>
          sdk.reportSuspect({
            reporter: 'svc',
            target: big,
            failureKind: 1,
            consecutiveFailures: 3,
          }),
      ],
      [
        'target',
        () =>
          sdk.reportSuspect({
            reporter: 'svc',
            target: '',
            failureKind: 1,
            consecutiveFailures: 3,
          }),
      ],
      [
        'failure_kind',
        () =>
          sdk.reportSuspect({
            reporter: 'svc',
            target: 'http://vip/',
            failureKind: 0,
            consecutiveFailures: 3,
          }),
      ],
      [
        'failure_kind',
        () =>
          sdk.reportSuspect({
            reporter: 'svc',
            target: 'http://vip/',
            failureKind: 42 as FailureKind,
            consecutiveFailures: 3,
          }),
      ],
      [
        'consecutive_failures',
        () =>
          sdk.reportSuspect({
            reporter: 'svc',
            target: 'http://vip/',
            failureKind: 2,
            consecutiveFailures: 0,
          }),
      ],
    ];
    for (const [field, call] of bad) await expectCode(call(), GrpcStatus.INVALID_ARGUMENT, field);
    assert.deepEqual(await keyspaceSnapshot(redis.client), before, 'nothing written');
    assert.equal(
      nginx.accessLog().filter((entry) => entry.uri === '/healthz').length,
      probesBefore,
      'nothing probed',
    );
  });

  it('enforces roles: ReportSuspect is for sdk (and admin), everything else for admin only', async () => {
    const { admin, sdk } = fixture;
    await expectCode(
      sdk.addNode({ node: nodeSpec('127.0.0.6', 80) }),
      GrpcStatus.PERMISSION_DENIED,
    );
    await expectCode(sdk.listNodes({}), GrpcStatus.PERMISSION_DENIED);
    await expectCode(sdk.probeNow({ ip: '' }), GrpcStatus.PERMISSION_DENIED);
    await expectCode(admin.listNodes({}, bearer(TOKENS.core)), GrpcStatus.PERMISSION_DENIED);
    await expectCode(
      admin.reportSuspect(
        { reporter: 'core-1', target: 'vip', failureKind: 1, consecutiveFailures: 3 },
        bearer(TOKENS.core),
      ),
      GrpcStatus.PERMISSION_DENIED,
    );
    await expectCode(
      admin.listNodes({}, bearer('not-a-known-token-at-all')),
      GrpcStatus.UNAUTHENTICATED,
    );
    const answer = await sdk.reportSuspect({
      reporter: 'svc-roles',
      target: 'http://vip/',
      failureKind: 2,
      consecutiveFailures: 3,
    });
    assert.ok(
      [ProbeDecision.PROBE_DECISION_STARTED, ProbeDecision.PROBE_DECISION_JOINED].includes(
        answer.decision,
      ),
    );
    // The round it caused runs in the background: let it finish before the next test.
    await waitFor(
      'the suspect round applied',
      async () =>
        (await redis.client.hget(RedisKeys.healthDetail('127.0.0.4'), 'last_reporter')) ===
        'svc-roles',
    );
  });

  it('reports a status nobody refreshed for longer than the stale threshold as stale', async () => {
    const { admin } = fixture;
    const fresh = await admin.getNode({ ip: '127.0.0.4' });
    assert.equal(fresh.node?.health?.stale, false);
    // As if every health replica had stopped 4 minutes ago (threshold: 3 × 60 s).
    const [seconds] = await redis.client.time();
    await redis.client.hset(
      RedisKeys.healthDetail('127.0.0.4'),
      'last_probe_time',
      Number(seconds) * 1000 - 240_000,
    );
    const old = await admin.getNode({ ip: '127.0.0.4' });
    assert.equal(old.node?.health?.stale, true);
    assert.equal(old.node?.health?.status, Status.STATUS_UP, 'the status itself is kept');
    const listed = await admin.listNodes({});
    assert.equal(listed.nodes.find((node) => node.spec?.ip === '127.0.0.4')?.health?.stale, true);
    const probed = await admin.probeNow({ ip: '127.0.0.4' });
    assert.equal(probed.results.length, 1);
    assert.equal(probed.results[0].healthy, true);
    assert.equal(
      (await admin.getNode({ ip: '127.0.0.4' })).node?.health?.stale,
      false,
      'a probe refreshes it',
    );
  });
});
