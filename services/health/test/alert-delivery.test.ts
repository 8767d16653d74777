import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import {
  freePort,
  startRedisServer,
  waitFor,
  type RedisServerHandle,
  startAlertReceiver,
  type AlertReceiver,
} from '@gateway/testkit';
import { signedDingTalkUrl } from '../src/alerts/dingtalk-signature.js';
import { nodeSpec, startHealthFixture, type HealthFixture } from './support/health-fixture.js';

/** A node nobody listens for: its first probe fails, so it goes DOWN and raises an alert. */
async function addDeadNode(fixture: HealthFixture, ip: string): Promise<void> {
  await fixture.admin.addNode({ node: nodeSpec(ip, await freePort(ip)) });
}

describe('health: alert delivery with timeout and bounded retries', () => {
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
      HEALTH_ALERT_DINGTALK_SECRET: 'SEC-retry',
      HEALTH_ALERT_DINGTALK_MSGTYPE: 'text',
      HEALTH_ALERT_RETRIES: '3',
    });
    await addDeadNode(fixture, '127.0.0.11');
    await waitFor('the delivery', () => fixture.health.alertCounters().delivered === 1, {
      timeoutMs: 10_000,
    });
    assert.equal(receiver.received.length, 3);
    for (const request of receiver.received) {
      const timestamp = Number(request.query.get('timestamp'));
      assert.equal(
        request.query.get('sign'),
        createHmac('sha256', 'SEC-retry').update(`${timestamp}\nSEC-retry`).digest('base64'),
      );
      const body = request.body as { msgtype: string; text: { content: string } };
      assert.equal(body.msgtype, 'text');
      assert.match(body.text.content, /Nginx node 127\.0\.0\.11 is DOWN: connection refused/);
    }
    assert.deepEqual(fixture.health.alertCounters(), {
      delivered: 1,
      failed: 0,
      retried: 2,
      dropped: 0,
    });
    assert.equal(await redis.client.hget(RedisKeys.healthAlertStats, 'dingtalk:retried'), '2');
  });

  it('gives up after the retries on a failing webhook, counts it, and never holds up probes', async () => {
    const receiver = await startAlertReceiver(() => ({
      status: 503,
      body: 'down for maintenance',
    }));
    const { redis, fixture } = await setup(receiver, {
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
      HEALTH_ALERT_RETRIES: '2',
    });
    await addDeadNode(fixture, '127.0.0.12');
    await waitFor('the failure', () => fixture.health.alertCounters().failed === 1, {
      timeoutMs: 10_000,
    });
    assert.equal(receiver.received.length, 3, 'one attempt and two retries, then no more');
    assert.equal(await redis.client.hget(RedisKeys.healthAlertStats, 'webhook1:failed'), '1');
    assert.equal(await redis.client.get(RedisKeys.healthStatus('127.0.0.12')), 'DOWN');
  });

  it('bounds each attempt by the alert timeout when the receiver hangs, while probe rounds go on', async () => {
    const receiver = await startAlertReceiver(() => 'hang');
    const { fixture } = await setup(receiver, {
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
      HEALTH_ALERT_TIMEOUT: '300ms',
      HEALTH_ALERT_RETRIES: '1',
    });
    const started = performance.now();
    await addDeadNode(fixture, '127.0.0.13');
    await waitFor('the first attempt', () => receiver.received.length === 1);
    // The hung delivery does not hold up a probe round.
    const round = await fixture.admin.probeNow({ ip: '' });
    assert.equal(round.results.length, 1);
    const roundMs = performance.now() - started;
    await waitFor(
      'the failure after two timed-out attempts',
      () => fixture.health.alertCounters().failed === 1,
      { timeoutMs: 10_000 },
    );
    const failedMs = performance.now() - started;
    console.log(
      `# FIGURE alert to a hung receiver: probe round done after ${roundMs.toFixed(0)} ms; delivery given up after ${failedMs.toFixed(0)} ms (2 × 300 ms + backoff)`,
    );
    assert.equal(receiver.received.length, 2);
    assert.ok(failedMs >= 600, 'each attempt waited for its timeout');
  });
});
