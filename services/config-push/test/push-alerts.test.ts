import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PushOutcome } from '@gateway/proto/configpush';
import { RedisChannels, RedisKeys } from '@gateway/shared';
import {
  startAlertReceiver,
  waitFor,
  type AlertReceiver,
  type GatewayNode,
} from '@gateway/testkit';
import { setNodeStatus } from './support/node-state.js';
import {
  configPushEnv,
  startBackend,
  startInProcessConfigPush,
  startPushWorld,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

/** How one kind of push failure is caused on a node, and undone. */
type Breakage = {
  readonly kind: string;
  readonly group: string;
  cause(node: GatewayNode): Promise<void> | void;
  fix(node: GatewayNode): Promise<void> | void;
};

const LAG_ALERT_AFTER_MS = 4_000;

describe('config-push: every push failure kind alerts once, and recovers once', () => {
  let world: PushWorld;
  let push: InProcessConfigPush;
  let webhook: AlertReceiver;
  const backends: Backend[] = [];
  beforeAll(async () => {
    world = await startPushWorld();
    webhook = await startAlertReceiver();
    push = await startInProcessConfigPush(
      configPushEnv(world.redis.url, world.privateKeyPath, {
        CONFIG_PUSH_ALERT_WEBHOOK_URLS: `${webhook.url}/alerts`,
        CONFIG_PUSH_ALERT_RETRY_BACKOFF: '100ms',
        CONFIG_PUSH_ALERT_POLL_INTERVAL: '100ms',
        CONFIG_PUSH_NODE_TIMEOUT: '3s',
        CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '2s',
        CONFIG_PUSH_RETRY_MIN: '300ms',
        CONFIG_PUSH_RETRY_MAX: '1s',
        CONFIG_PUSH_LAG_ALERT_AFTER: `${LAG_ALERT_AFTER_MS}ms`,
      }),
    );
  });
  afterAll(async () => {
    for (const node of world?.nodes ?? []) node.sshd.thaw();
    await push?.close();
    for (const backend of backends) await backend.close();
    await webhook?.close();
    await world?.close();
  });

  const appliedRevision = async (ip: string) =>
    (await push.client.getPushStatus({})).nodes.find((node) => node.nodeIp === ip)?.appliedRevision;

  const breakages: Breakage[] = [
    {
      kind: 'connect',
      group: 'connect',
      cause: (node) => node.sshd.stop(),
      fix: (node) => node.sshd.start(),
    },
    {
      kind: 'timeout',
      group: 'timeout',
      cause: (node) => node.sshd.freeze(),
      fix: (node) => node.sshd.thaw(),
    },
    {
      kind: 'reload',
      group: 'reload',
      cause: (node) => node.nginx.stop(),
      fix: (node) => node.nginx.start(),
    },
    {
      kind: 'config_test',
      group: 'clash',
      cause: (node) =>
        writeFileSync(
          join(node.extraDir, 'clash.conf'),
          'upstream gateway_clash {\n    server 127.0.0.1:9;\n}\n',
        ),
      fix: (node) => rmSync(join(node.extraDir, 'clash.conf')),
    },
    {
      kind: 'stale',
      group: 'stale',
      cause: (node) => {
        const state = join(node.stateDir, 'state');
        writeFileSync(`${state}.saved`, readFileSync(state));
        // Same store epoch, a revision far ahead: the node refuses the push as older.
        const [, hash, epoch] = readFileSync(state, 'utf8').trim().split(' ');
        writeFileSync(state, `999999999 ${hash ?? 'none'} ${epoch ?? '-'}\n`);
      },
      fix: (node) => {
        const state = join(node.stateDir, 'state');
        writeFileSync(state, readFileSync(`${state}.saved`));
      },
    },
    {
      kind: 'remote',
      group: 'remote',
      cause: (node) => {
        // The apply script cannot take its lock: it fails with an exit code of its own.
        rmSync(join(node.stateDir, 'lock'), { force: true });
        mkdirSync(join(node.stateDir, 'lock'));
      },
      fix: (node) => rmdirSync(join(node.stateDir, 'lock')),
    },
    {
      kind: 'host_key',
      group: 'hostkey',
      cause: async (node) => {
        await node.sshd.rotateHostKey();
      },
      fix: async (node) => {
        await world.redis.client.hset(
          RedisKeys.nodes,
          node.ip,
          JSON.stringify(node.spec({ hostKey: node.sshd.hostKey })),
        );
        await world.redis.client.publish(
          RedisChannels.nodeChanges,
          JSON.stringify({ type: 'UPDATED', ip: node.ip, revision: 0 }),
        );
      },
    },
  ];

  for (const breakage of breakages) {
    it(`a push failing with "${breakage.kind}" raises one alert and, once fixed, one recovery`, async () => {
      const node = world.nodes[1];
      const key = `push:${breakage.kind}:${node.ip}`;
      const alertsOf = () => webhook.jsonBodies().filter((alert) => alert['key'] === key);
      const backend = await startBackend(breakage.group);
      backends.push(backend);
      await breakage.cause(node);
      const revision = await world.register(breakage.group, backend.port);
      await waitFor(`the ${breakage.kind} alert`, () => alertsOf().length >= 1, {
        timeoutMs: 20_000,
      });
      // The node keeps failing (retried with backoff): three failed attempts, still one alert.
      const failures = new Set<number>();
      await waitFor(
        'three failed attempts',
        async () => {
          const last = (await push.client.getPushStatus({})).nodes.find(
            (entry) => entry.nodeIp === node.ip,
          )?.lastResult;
          if (last?.outcome === PushOutcome.PUSH_OUTCOME_FAILED && last.finishTime)
            failures.add(last.finishTime.getTime());
          return failures.size >= 3;
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      assert.equal(alertsOf().length, 1, 'one alert however many attempts failed');
      await breakage.fix(node);
      await waitFor(
        `${node.ip} to apply revision ${revision}`,
        async () => ((await appliedRevision(node.ip)) ?? 0) >= revision,
        { timeoutMs: 20_000 },
      );
      await waitFor('the recovery', () => alertsOf().length >= 2, { timeoutMs: 10_000 });
      const states = alertsOf().map((alert) => alert['state']);
      assert.deepEqual(states, ['firing', 'resolved'], JSON.stringify(alertsOf()));
      assert.equal(alertsOf()[0]['kind'], `push_${breakage.kind}_failed`);
      assert.equal(alertsOf()[0]['node'], node.ip);
      const other = webhook
        .jsonBodies()
        .filter((alert) => alert['key'] === `push:${breakage.kind}:${world.nodes[0].ip}`);
      assert.deepEqual(other, [], 'the healthy node raised nothing');
    });
  }

  it('alerts a node that lags the desired revision longer than CONFIG_PUSH_LAG_ALERT_AFTER, and its catching up', async () => {
    const node = world.nodes[0];
    const key = `push:lag:${node.ip}`;
    const alertsOf = () => webhook.jsonBodies().filter((alert) => alert['key'] === key);
    const backend = await startBackend('lagging');
    backends.push(backend);
    node.sshd.freeze();
    const started = Date.now();
    const revision = await world.register('lagging', backend.port);
    const alert = await waitFor('the lag alert', () => alertsOf()[0], { timeoutMs: 20_000 });
    const firedAfterMs = Date.now() - started;
    assert.equal(alert['kind'], 'node_lagging');
    assert.ok(firedAfterMs >= LAG_ALERT_AFTER_MS, `not before the threshold (${firedAfterMs} ms)`);
    node.sshd.thaw();
    await waitFor(
      `${node.ip} to apply revision ${revision}`,
      async () => ((await appliedRevision(node.ip)) ?? 0) >= revision,
      { timeoutMs: 20_000 },
    );
    await waitFor('the recovery', () => alertsOf().length >= 2, { timeoutMs: 15_000 });
    console.log(
      `[figure] lag alert ${firedAfterMs} ms after the change (threshold ${LAG_ALERT_AFTER_MS} ms)`,
    );
    assert.deepEqual(
      alertsOf().map((entry) => entry['state']),
      ['firing', 'resolved'],
    );
  });

  it('alerts once when no node can be pushed to, and once when one can again', async () => {
    const alertsOf = () =>
      webhook.jsonBodies().filter((alert) => alert['key'] === 'push:no-pushable-node');
    for (const node of world.nodes) await setNodeStatus(world.redis.client, node.ip, 'DOWN');
    await waitFor('the alert', () => alertsOf().length >= 1, { timeoutMs: 20_000 });
    assert.equal(alertsOf()[0]['kind'], 'no_pushable_node');
    await setNodeStatus(world.redis.client, world.nodes[0].ip, 'UP');
    await waitFor('the recovery', () => alertsOf().length >= 2, { timeoutMs: 20_000 });
    await setNodeStatus(world.redis.client, world.nodes[1].ip, 'UP');
    assert.deepEqual(
      alertsOf().map((entry) => entry['state']),
      ['firing', 'resolved'],
    );
    const status = await push.client.getPushStatus({});
    assert.equal(status.alertDelivery?.firing, 0, 'nothing left firing');
    assert.ok((status.alertDelivery?.delivered ?? 0) >= 18);
    assert.equal(status.alertDelivery?.outboxDepth, 0);
  });
});
