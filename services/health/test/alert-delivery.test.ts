import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { RedisKeys, signedDingTalkUrl } from '@gateway/shared';
import {
  freePort,
  startAlertReceiver,
  startRedisServer,
  waitFor,
  type AlertReceiver,
  type RedisServerHandle,
  TEST_SECRETS,
} from '@gateway/testkit';
import { nodeSpec, startHealthFixture, type HealthFixture } from './support/health-fixture.js';

/** A node nobody listens for: its first probe fails, so it goes DOWN and raises an alert. */
async function addDeadNode(fixture: HealthFixture, ip: string): Promise<void> {
  await fixture.admin.addNode({ node: nodeSpec(ip, await freePort(ip)) });
}

describe('health: alert delivery from the outbox, with timeout, retries and backoff', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  async function setup(
    receiver: AlertReceiver,
    env: Record<string, string>,
  ): Promise<{ redis: RedisServerHandle; fixture: HealthFixture }> {
    const redis = await startRedisServer();
    const fixture = await startHealthFixture(redis.url, {
      HEALTH_ALERT_RETRY_BACKOFF: '50ms',
      HEALTH_ALERT_TIMEOUT: '500ms',
      HEALTH_ALERT_POLL_INTERVAL: '100ms',
      ...env,
    });
    cleanups.push(async () => {
      await fixture.close();
      await receiver.close();
      await redis.stop();
    });
    return { redis, fixture };
  }

  it('signs DingTalk URLs as DingTalk documents: HMAC-SHA256 of "timestamp\\nsecret", base64, url-encoded', () => {
    const url = signedDingTalkUrl(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      'SECxyz',
      1_700_000_000_000,
    );
    const expected = encodeURIComponent(
      createHmac('sha256', 'SECxyz').update('1700000000000\nSECxyz').digest('base64'),
    );
    assert.equal(
      url,
      `https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=${expected}`,
    );
    assert.equal(
      signedDingTalkUrl('https://x.example/robot?access_token=abc', undefined, 1),
      'https://x.example/robot?access_token=abc',
    );
  });

  it('retries a DingTalk robot that refuses (errcode != 0) and delivers, each attempt freshly signed; text format', async () => {
    const receiver = await startAlertReceiver((index) =>
      index < 2
        ? { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' }
        : { status: 200, body: '{"errcode":0,"errmsg":"ok"}' },
    );
    const { redis, fixture } = await setup(receiver, {
      HEALTH_ALERT_DINGTALK_URL: `${receiver.url}/robot/send?access_token=t`,
      HEALTH_ALERT_DINGTALK_SECRET: TEST_SECRETS.dingTalkSecret,
      HEALTH_ALERT_DINGTALK_MSGTYPE: 'text',
      HEALTH_ALERT_MAX_REFUSALS: '5',
    });
    await addDeadNode(fixture, '127.0.0.11');
    await waitFor(
      'the delivery',
      async () => (await fixture.health.alertStatus()).delivered === 1,
      {
        timeoutMs: 15_000,
      },
    );
    assert.equal(receiver.received.length, 3);
    for (const request of receiver.received) {
      const timestamp = Number(request.query.get('timestamp'));
      assert.equal(
        request.query.get('sign'),
        createHmac('sha256', TEST_SECRETS.dingTalkSecret)
          .update(`${timestamp}\n${TEST_SECRETS.dingTalkSecret}`)
          .digest('base64'),
      );
      const body = request.body as { msgtype: string; text: { content: string } };
      assert.equal(body.msgtype, 'text');
      assert.match(
        body.text.content,
        /FIRING: Nginx node 127\.0\.0\.11 is DOWN: connection refused/,
      );
    }
    const status = await fixture.health.alertStatus();
    assert.equal(status.failedAttempts, 2);
    assert.equal(status.outboxDepth, 0);
    assert.match(status.lastFailure, /^dingtalk: dingtalk refused the message/);
    assert.equal(
      await redis.client.hget(RedisKeys.alertDelivery('health'), 'failed_attempts'),
      '2',
    );
  });

  it('keeps retrying a webhook that answers 503, shows the backlog in ListNodes, and delivers once it answers', async () => {
    let down = true;
    const receiver = await startAlertReceiver(() =>
      down ? { status: 503, body: 'down for maintenance' } : { status: 204, body: '' },
    );
    const { fixture } = await setup(receiver, {
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
      HEALTH_ALERT_RETRY_MAX_BACKOFF: '200ms',
    });
    await addDeadNode(fixture, '127.0.0.12');
    await waitFor('three failed attempts', () => receiver.received.length >= 3, {
      timeoutMs: 15_000,
    });
    const listed = await fixture.admin.listNodes({});
    assert.equal(listed.alertDelivery?.outboxDepth, 1, 'the alert waits in the outbox');
    assert.match(listed.alertDelivery?.lastFailure ?? '', /webhook1 answered HTTP 503/);
    assert.ok(listed.alertDelivery?.lastFailureTime);
    down = false;
    await waitFor(
      'the delivery',
      async () => (await fixture.health.alertStatus()).delivered === 1,
      {
        timeoutMs: 15_000,
      },
    );
    const bodies = receiver.received.map((request) => request.body as { id: string });
    assert.ok(
      bodies.every((body) => body.id === bodies[0].id),
      'the same alert every time',
    );
    assert.equal((await fixture.admin.listNodes({})).alertDelivery?.outboxDepth, 0);
  });

  it('gives up, loudly, on an alert the receiver refuses (HTTP 400) every time, and goes on with the next', async () => {
    const receiver = await startAlertReceiver((_, request) =>
      request.url?.includes('bad')
        ? { status: 400, body: 'bad request' }
        : { status: 204, body: '' },
    );
    const { fixture } = await setup(receiver, {
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/bad`,
      HEALTH_ALERT_MAX_REFUSALS: '2',
    });
    await addDeadNode(fixture, '127.0.0.14');
    await waitFor('the refusal', async () => (await fixture.health.alertStatus()).refused === 1, {
      timeoutMs: 15_000,
    });
    assert.equal(receiver.received.length, 2, 'refused twice, then given up');
    assert.equal((await fixture.health.alertStatus()).outboxDepth, 0);
  });

  it('bounds each attempt by the alert timeout when the receiver hangs, while probe rounds go on', async () => {
    const receiver = await startAlertReceiver((index) =>
      index < 2 ? 'hang' : { status: 204, body: '' },
    );
    const { fixture } = await setup(receiver, {
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
      HEALTH_ALERT_TIMEOUT: '300ms',
    });
    const started = performance.now();
    await addDeadNode(fixture, '127.0.0.13');
    await waitFor('the first attempt', () => receiver.received.length === 1);
    // The hung delivery does not hold up a probe round.
    const round = await fixture.admin.probeNow({ ip: '' });
    assert.equal(round.results.length, 1);
    const roundMs = performance.now() - started;
    await waitFor(
      'the delivery after two timed-out attempts',
      async () => (await fixture.health.alertStatus()).delivered === 1,
      { timeoutMs: 15_000 },
    );
    const deliveredMs = performance.now() - started;
    console.log(
      `[figure] alert to a receiver that hung twice: probe round done after ${roundMs.toFixed(0)} ms; delivered after ${deliveredMs.toFixed(0)} ms (2 × 300 ms timeout + backoff)`,
    );
    assert.equal(receiver.received.length, 3);
    assert.ok(deliveredMs >= 600, 'each hung attempt waited for its timeout');
    assert.ok(roundMs < 600, 'the probe round did not wait for the alert');
  });
});
