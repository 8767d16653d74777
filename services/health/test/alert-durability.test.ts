import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { Alerts, createLogger, RedisKeys, type AlertSettings } from '@gateway/shared';
import {
  freePort,
  onCleanup,
  startRedisServer,
  startServiceProcess,
  waitFor,
  type RedisServerHandle,
  type ServiceProcess,
  startAlertReceiver,
  type AlertReceiver,
} from '@gateway/testkit';
import { HEALTH_ENTRY, healthClients, nodeSpec, TOKENS_ENV } from './support/health-fixture.js';

/** How long the webhook stays down: a real minute, as an operator would see it. */
const WEBHOOK_OUTAGE_MS = 60_000;

const settings = (overrides: Partial<AlertSettings> = {}): AlertSettings => ({
  webhookUrls: [],
  dingTalk: undefined,
  attemptTimeoutMs: 1_000,
  retryMinMs: 100,
  retryMaxMs: 1_000,
  maxRefusals: 5,
  outboxMaxLength: 10_000,
  pollMs: 100,
  ...overrides,
});

describe('alerts: one per transition, kept in the Redis outbox', () => {
  let redis: RedisServerHandle;
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await redis?.stop();
  });

  it('queues a firing condition once however often it is fired, and its recovery once', async () => {
    redis = await startRedisServer();
    const logger = createLogger('alerts-test', 'silent');
    const alerts = Alerts({
      redis: redis.client,
      source: 'test',
      replica: 'r1',
      settings: settings(),
      logger,
    });
    const other = Alerts({
      redis: redis.client,
      source: 'test',
      replica: 'r2',
      settings: settings(),
      logger,
    });
    stops.push(
      () => alerts.stop(1_000),
      () => other.stop(1_000),
    );
    const alert = { key: 'push:connect:10.0.0.1', kind: 'push_connect_failed', message: 'down' };
    alerts.resolve(alert);
    alerts.fire(alert);
    other.fire(alert);
    alerts.fire(alert);
    await Promise.all([alerts.queued(), other.queued()]);
    other.resolve(alert);
    alerts.resolve(alert);
    await Promise.all([alerts.queued(), other.queued()]);
    const entries = await redis.client.xrange(RedisKeys.alertOutbox('test'), '-', '+');
    const states = entries.map(([, fields]) => fields[fields.indexOf('state') + 1]);
    assert.deepEqual(states, ['firing', 'resolved']);
    assert.equal(await redis.client.hlen(RedisKeys.alertFiring('test')), 0);
    assert.equal((await alerts.status()).firing, 0);
  });

  it('alerts when the outbox cap trims alerts a sink has not taken yet', async () => {
    const port = await freePort();
    const alerts = Alerts({
      redis: redis.client,
      source: 'capped',
      replica: 'r1',
      settings: settings({ webhookUrls: [`http://127.0.0.1:${port}/down`], outboxMaxLength: 10 }),
      logger: createLogger('alerts-test', 'silent'),
    });
    stops.push(() => alerts.stop(1_000));
    for (let index = 0; index < 12; index++)
      alerts.fire({ key: `condition-${index}`, kind: 'test', message: `condition ${index}` });
    await alerts.queued();
    await waitFor(
      'the overflow alert',
      async () =>
        (await redis.client.hexists(RedisKeys.alertFiring('capped'), 'alerts:outbox-overflow')) ===
        1,
    );
    const status = await alerts.status();
    assert.ok(status.dropped >= 2, `dropped ${status.dropped}`);
    assert.equal(await redis.client.xlen(RedisKeys.alertOutbox('capped')), 10);
  });
});

describe('health: an alert raised while the webhook is down, across a SIGKILL of its replica', () => {
  let redis: RedisServerHandle;
  let receiver: AlertReceiver | undefined;
  const replicas: ServiceProcess[] = [];
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await receiver?.close();
    await redis?.stop();
  });

  it('arrives, once, after the webhook comes back a minute later', async () => {
    redis = await startRedisServer();
    const webhookPort = await freePort();
    const env = {
      REDIS_URL: redis.url,
      GATEWAY_TOKENS: TOKENS_ENV,
      LOG_LEVEL: 'warn',
      HEALTH_POLL_INTERVAL: '2s',
      HEALTH_ALERT_WEBHOOK_URLS: `http://127.0.0.1:${webhookPort}/hook`,
      HEALTH_ALERT_TIMEOUT: '1s',
      HEALTH_ALERT_RETRY_BACKOFF: '1s',
      HEALTH_ALERT_RETRY_MAX_BACKOFF: '5s',
      HEALTH_ALERT_POLL_INTERVAL: '200ms',
    };
    const start = async (replicaId: string) => {
      const replica = await startServiceProcess({
        name: replicaId,
        entry: HEALTH_ENTRY,
        env: { ...env, HEALTH_REPLICA_ID: replicaId },
        timeoutMs: 30_000,
      });
      replicas.push(replica);
      return replica;
    };
    const raiser = await start('replica-raiser');
    const client = healthClients(raiser.address);
    onCleanup(() => client.channel.close());
    const deadNode = nodeSpec('127.0.0.31', await freePort('127.0.0.31'));
    await client.admin.addNode({ node: deadNode });
    const outbox = RedisKeys.alertOutbox('health');
    // Pending once the sink took it; failed once the attempt's failure is recorded, a moment
    // later: wait (bounded) for both.
    await waitFor('the DOWN alert to be tried and fail', async () => {
      const pending = (await redis.client.xpending(outbox, 'webhook1')) as [number, ...unknown[]];
      const failed = await redis.client.hget(RedisKeys.alertDelivery('health'), 'failed_attempts');
      return Number(pending[0]) === 1 && Number(failed) >= 1;
    });
    const raisedAt = Date.now();
    const listed = await client.admin.listNodes({});
    assert.equal(listed.alertDelivery?.outboxDepth, 1);
    assert.match(listed.alertDelivery?.lastFailure ?? '', /^webhook1: /);
    client.channel.close();

    await raiser.process.stop('SIGKILL');
    const restarted = await start('replica-restarted');
    const failuresBefore = Number(
      await redis.client.hget(RedisKeys.alertDelivery('health'), 'failed_attempts'),
    );
    await new Promise((resolve) =>
      setTimeout(resolve, WEBHOOK_OUTAGE_MS - (Date.now() - raisedAt)),
    );
    const failuresDuring =
      Number(await redis.client.hget(RedisKeys.alertDelivery('health'), 'failed_attempts')) -
      failuresBefore;
    assert.ok(
      failuresDuring >= 5,
      `the restarted replica kept retrying (${failuresDuring} attempts)`,
    );

    receiver = await startAlertReceiver(() => ({ status: 204, body: '' }), webhookPort);
    const upAt = Date.now();
    await waitFor('the alert at the webhook', () => receiver!.received.length >= 1, {
      timeoutMs: 30_000,
    });
    const arrivalMs = Date.now() - upAt;
    await waitFor('the outbox to be empty', async () => {
      const again = healthClients(restarted.address);
      try {
        return (await again.admin.listNodes({})).alertDelivery?.outboxDepth === 0;
      } finally {
        again.channel.close();
      }
    });
    const body = receiver.received[0].body as Record<string, unknown>;
    console.log(
      `[figure] alert raised ${Math.round((upAt - raisedAt) / 1000)} s before the webhook came back (raiser SIGKILLed, ${failuresDuring} failed attempts by the restarted replica); arrived ${arrivalMs} ms after the webhook came back (retry max backoff 5 s)`,
    );
    assert.equal(body['kind'], 'node_down');
    assert.equal(body['state'], 'firing');
    assert.equal(body['node'], deadNode.ip);
    assert.equal(body['replica'], 'replica-raiser', 'the alert names the replica that raised it');
    assert.ok(
      arrivalMs <= 10_000,
      'within one maximum backoff (5 s) plus the attempt timeout and a poll',
    );
    assert.equal(receiver.received.length, 1, 'delivered once');
    assert.equal(await redis.client.hget(RedisKeys.alertDelivery('health'), 'delivered'), '1');
  });
});
