import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status } from '@gateway/proto/health';
import { dingTalkSign, RedisKeys } from '@gateway/shared';
import {
  startNginx,
  startRedisServer,
  waitFor,
  type NginxHandle,
  type RedisServerHandle,
  startAlertReceiver,
  type AlertReceiver,
  TEST_SECRETS,
} from '@gateway/testkit';
import { listenHealthChanges } from './support/change-listener.js';
import { nodeSpec, startHealthFixture, type HealthFixture } from './support/health-fixture.js';
import { redisCli } from './support/redis-cli.js';

const POLL_INTERVAL_MS = 2_000;
const DINGTALK_SECRET = TEST_SECRETS.dingTalkSecret;

describe('health: two real nginx nodes, suspect report, recovery, alerts', () => {
  let redis: RedisServerHandle;
  let nginxA: NginxHandle;
  let nginxB: NginxHandle;
  let receiver: AlertReceiver;
  let fixture: HealthFixture;

  beforeAll(async () => {
    redis = await startRedisServer();
    [nginxA, nginxB] = await Promise.all([
      startNginx({ host: '127.0.0.2' }),
      startNginx({ host: '127.0.0.3' }),
    ]);
    receiver = await startAlertReceiver();
    fixture = await startHealthFixture(redis.url, {
      HEALTH_POLL_INTERVAL: `${POLL_INTERVAL_MS}ms`,
      HEALTH_PROBE_TIMEOUT: '1s',
      HEALTH_PROBE_CONNECT_TIMEOUT: '500ms',
      // Periodic polls need two failures in a row; a suspect-triggered probe needs one.
      HEALTH_FALL: '2',
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/webhook`,
      HEALTH_ALERT_DINGTALK_URL: `${receiver.url}/robot/send?access_token=test-token`,
      HEALTH_ALERT_DINGTALK_SECRET: DINGTALK_SECRET,
    });
  });
  afterAll(async () => {
    await fixture?.close();
    await receiver?.close();
    await Promise.all([nginxA?.stop(), nginxB?.stop()]);
    await redis?.stop();
  });

  it('marks the stopped node DOWN within 1 s of a report, keeps the other UP, and recovers it within one poll interval, alerting once each way', async () => {
    const { admin, sdk } = fixture;
    await admin.addNode({ node: nodeSpec('127.0.0.2', nginxA.port, { label: 'master' }) });
    await admin.addNode({ node: nodeSpec('127.0.0.3', nginxB.port, { label: 'backup' }) });
    await waitFor(
      'both nodes UP',
      async () => {
        const { nodes } = await admin.listNodes({});
        return (
          nodes.length === 2 &&
          nodes.every((node) => node.health?.status === Status.STATUS_UP && !node.health.stale)
        );
      },
      { timeoutMs: 15_000 },
    );
    // Acceptance 7: the keys read exactly UP, with the real redis-cli.
    assert.equal(
      await redisCli(redis.port, 'GET', 'nginx:gateway:health_status:127.0.0.2'),
      '"UP"',
    );
    assert.equal(
      await redisCli(redis.port, 'GET', 'nginx:gateway:health_status:127.0.0.3'),
      '"UP"',
    );

    const changes = await listenHealthChanges(redis.port);
    try {
      await nginxA.stop();
      const beforeB = Number(
        await redis.client.hget(RedisKeys.healthDetail('127.0.0.3'), 'last_probe_time'),
      );
      const reportedAt = performance.now();
      const answer = await sdk.reportSuspect({
        reporter: 'orders-service/10.9.8.7/1234',
        target: 'http://192.168.1.200/api',
        failureKind: 1,
        consecutiveFailures: 3,
      });
      const answeredMs = performance.now() - reportedAt;
      const down = await waitFor(
        'the DOWN transition of 127.0.0.2',
        () => changes.changes.find((c) => c.ip === '127.0.0.2' && c.status === 'DOWN'),
        { timeoutMs: 10_000, intervalMs: 5 },
      );
      const detectionMs = down.receivedAt - reportedAt;
      console.log(
        `# FIGURE ReportSuspect answered in ${answeredMs.toFixed(1)} ms (decision ${answer.decision}); DOWN published ${detectionMs.toFixed(1)} ms after the report`,
      );
      assert.ok(
        detectionMs < 1_000,
        `DOWN within 1 s of the report (took ${detectionMs.toFixed(1)} ms)`,
      );
      assert.equal(
        await redisCli(redis.port, 'GET', 'nginx:gateway:health_status:127.0.0.2'),
        '"DOWN"',
      );
      const detailA = await redis.client.hgetall(RedisKeys.healthDetail('127.0.0.2'));
      assert.equal(detailA['last_trigger'], 'suspect');
      assert.equal(detailA['last_reporter'], 'orders-service/10.9.8.7/1234');
      assert.equal(detailA['reason'], 'connection refused');
      // The other node was probed by the same round and stays UP.
      await waitFor(
        '127.0.0.3 probed by the suspect round',
        async () =>
          Number(await redis.client.hget(RedisKeys.healthDetail('127.0.0.3'), 'last_probe_time')) >
          beforeB,
      );
      assert.equal(
        await redisCli(redis.port, 'GET', 'nginx:gateway:health_status:127.0.0.3'),
        '"UP"',
      );
      const got = await admin.getNode({ ip: '127.0.0.2' });
      assert.equal(got.node?.health?.status, Status.STATUS_DOWN);
      assert.equal(got.node?.health?.lastReporter, 'orders-service/10.9.8.7/1234');

      await nginxA.start();
      const restartedAt = performance.now();
      const up = await waitFor(
        '127.0.0.2 UP again',
        () => changes.changes.find((c) => c.ip === '127.0.0.2' && c.status === 'UP'),
        { timeoutMs: 3 * POLL_INTERVAL_MS, intervalMs: 10 },
      );
      const recoveryMs = up.receivedAt - restartedAt;
      console.log(
        `# FIGURE recovery: UP ${recoveryMs.toFixed(0)} ms after nginx answered again (poll interval ${POLL_INTERVAL_MS} ms)`,
      );
      assert.ok(
        recoveryMs <= POLL_INTERVAL_MS + 500,
        `UP again within one poll interval (+ one tick and the probe) (took ${recoveryMs.toFixed(0)} ms)`,
      );
      assert.equal(
        await redisCli(redis.port, 'GET', 'nginx:gateway:health_status:127.0.0.2'),
        '"UP"',
      );
      assert.ok(
        changes.changes.every((c) => c.ip !== '127.0.0.3'),
        'no transition of the healthy node',
      );
    } finally {
      await changes.close();
    }

    // Alerts: each sink got the DOWN and the recovery exactly once, even after more poll rounds.
    await waitFor('both alerts at both sinks', () => receiver.received.length >= 4, {
      timeoutMs: 10_000,
    });
    const probesBefore = nginxA.accessLog().filter((entry) => entry.uri === '/healthz').length;
    await waitFor(
      'two more poll rounds',
      () =>
        nginxA.accessLog().filter((entry) => entry.uri === '/healthz').length >= probesBefore + 2,
      { timeoutMs: 4 * POLL_INTERVAL_MS },
    );
    const webhook = receiver.received
      .filter((request) => request.path === '/webhook')
      .map((request) => request.body as Record<string, unknown>);
    assert.deepEqual(
      webhook.map((body) => {
        const details = body['details'] as Record<string, unknown>;
        return [body['node'], body['state'], details['previous'], details['status']];
      }),
      [
        ['127.0.0.2', 'firing', 'UP', 'DOWN'],
        ['127.0.0.2', 'resolved', 'DOWN', 'UP'],
      ],
    );
    const details = webhook[0]['details'] as Record<string, unknown>;
    assert.equal(webhook[0]['schema'], 'gateway.alert.v1');
    assert.equal(webhook[0]['kind'], 'node_down');
    assert.equal(webhook[0]['key'], webhook[1]['key'], 'the recovery names the same condition');
    assert.equal(details['reason'], 'connection refused');
    assert.equal(details['reporter'], 'orders-service/10.9.8.7/1234');
    assert.equal(details['label'], 'master');

    const robot = receiver.received.filter((request) => request.path === '/robot/send');
    assert.equal(robot.length, 2, 'DingTalk got one DOWN and one UP message');
    for (const request of robot) {
      assert.equal(request.query.get('access_token'), 'test-token');
      const timestamp = Number(request.query.get('timestamp'));
      assert.ok(Math.abs(request.time - timestamp) < 60_000, 'timestamp is the sending time in ms');
      assert.equal(
        request.query.get('sign'),
        dingTalkSign(timestamp, DINGTALK_SECRET),
        'valid DingTalk signature',
      );
      const body = request.body as { msgtype: string; markdown: { title: string; text: string } };
      assert.equal(body.msgtype, 'markdown');
      assert.match(body.markdown.text, /127\.0\.0\.2/);
    }
    assert.match((robot[0].body as { markdown: { title: string } }).markdown.title, /FIRING/);
    assert.match((robot[1].body as { markdown: { title: string } }).markdown.title, /RESOLVED/);
    const status = await fixture.health.alertStatus();
    assert.equal(status.delivered, 4);
    assert.equal(status.failedAttempts, 0);
    assert.equal(status.outboxDepth, 0);
    assert.equal(await redis.client.hget(RedisKeys.alertDelivery('health'), 'delivered'), '4');
  });
});
