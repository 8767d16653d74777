import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status } from '@gateway/proto/health';
import { RedisKeys } from '@gateway/shared';
import {
  startNginx,
  startRedisServer,
  type NginxHandle,
  type RedisServerHandle,
} from '@gateway/testkit';
import { startHangingListener } from './support/hanging-listener.js';
import { nodeSpec, startHealthFixture, type HealthFixture } from './support/health-fixture.js';

const PROBE_TIMEOUT_MS = 1_500;

describe('health: a node whose /healthz hangs', () => {
  let redis: RedisServerHandle;
  let nginxA: NginxHandle;
  let nginxB: NginxHandle;
  let hanging: Awaited<ReturnType<typeof startHangingListener>>;
  let fixture: HealthFixture;

  beforeAll(async () => {
    redis = await startRedisServer();
    [nginxA, nginxB] = await Promise.all([
      startNginx({ host: '127.0.0.5' }),
      startNginx({ host: '127.0.0.6' }),
    ]);
    hanging = await startHangingListener('127.0.0.7');
    // Straight into Redis, with the periodic round marked as just run (next one in 60 s),
    // so that no probe runs before the round under test.
    for (const node of [
      nodeSpec('127.0.0.5', nginxA.port),
      nodeSpec('127.0.0.6', nginxB.port),
      nodeSpec('127.0.0.7', hanging.port),
    ]) {
      await redis.client.hset(
        RedisKeys.nodes,
        node.ip,
        JSON.stringify({ ...node, ssh: { host: node.ip, port: 22, user: 'deploy' } }),
      );
    }
    const [seconds] = await redis.client.time();
    await redis.client.set(
      RedisKeys.healthPollClaim,
      `${Number(seconds) * 1000} test`,
      'PX',
      180_000,
    );
    fixture = await startHealthFixture(redis.url, {
      HEALTH_PROBE_TIMEOUT: `${PROBE_TIMEOUT_MS}ms`,
      HEALTH_PROBE_CONNECT_TIMEOUT: '500ms',
    });
  });
  afterAll(async () => {
    await fixture?.close();
    await hanging?.close();
    await Promise.all([nginxA?.stop(), nginxB?.stop()]);
    await redis?.stop();
  });

  it('is DOWN after the probe timeout, and the others are probed and stored without waiting for it', async () => {
    const started = performance.now();
    const round = fixture.admin.probeNow({ ip: '' });
    // While the hung probe is still waiting, the healthy nodes are already UP in Redis.
    const healthyStoredAt = await (async () => {
      for (;;) {
        const statuses = await redis.client.mget(
          RedisKeys.healthStatus('127.0.0.5'),
          RedisKeys.healthStatus('127.0.0.6'),
        );
        if (statuses.every((status) => status === 'UP')) return performance.now() - started;
        if (performance.now() - started > 30_000) assert.fail('healthy nodes never stored');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const hungStatusMeanwhile = await redis.client.get(RedisKeys.healthStatus('127.0.0.7'));
    const { results } = await round;
    const roundMs = performance.now() - started;
    const byIp = new Map(results.map((result) => [result.ip, result]));
    const hungLatencyMs =
      byIp.get('127.0.0.7')!.latency!.seconds * 1000 + byIp.get('127.0.0.7')!.latency!.nanos / 1e6;
    console.log(
      `# FIGURE hanging node: healthy nodes stored UP after ${healthyStoredAt.toFixed(0)} ms; hung probe gave up after ${hungLatencyMs.toFixed(0)} ms (timeout ${PROBE_TIMEOUT_MS} ms); whole round ${roundMs.toFixed(0)} ms`,
    );
    assert.equal(hanging.accepted() >= 1, true, 'the hung listener accepted the probe connection');
    assert.equal(
      hungStatusMeanwhile,
      null,
      'the hung node was still undecided when the others were stored',
    );
    assert.ok(healthyStoredAt < PROBE_TIMEOUT_MS, 'healthy nodes did not wait for the hung one');
    assert.equal(byIp.get('127.0.0.7')!.healthy, false);
    assert.equal(byIp.get('127.0.0.7')!.status, Status.STATUS_DOWN);
    assert.match(
      byIp.get('127.0.0.7')!.error,
      new RegExp(`no answer within ${PROBE_TIMEOUT_MS} ms`),
    );
    assert.ok(hungLatencyMs >= PROBE_TIMEOUT_MS - 5, 'DOWN only after the probe timeout');
    assert.equal(byIp.get('127.0.0.5')!.status, Status.STATUS_UP);
    assert.equal(byIp.get('127.0.0.6')!.status, Status.STATUS_UP);
    assert.equal(await redis.client.get(RedisKeys.healthStatus('127.0.0.7')), 'DOWN');
    const detail = await redis.client.hgetall(RedisKeys.healthDetail('127.0.0.7'));
    assert.equal(detail['reason'], `no answer within ${PROBE_TIMEOUT_MS} ms`);
  });
});
