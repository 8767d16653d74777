import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, Status as GrpcStatus } from 'nice-grpc';
import { ProbeDecision, Status } from '@gateway/proto/health';
import { RedisKeys } from '@gateway/shared';
import {
  isRunning,
  startNginx,
  startProcess,
  waitFor,
  type NginxHandle,
  type RedisServerHandle,
  startRedisServer,
} from '@gateway/testkit';
import { healthClients, nodeSpec } from './support/health-fixture.js';
import { startReplicas } from './support/replicas.js';

describe('health: Redis goes away and comes back', () => {
  let redis: RedisServerHandle;
  let nginx: NginxHandle;

  beforeAll(async () => {
    redis = await startRedisServer();
    nginx = await startNginx({ host: '127.0.0.31' });
  });
  afterAll(async () => {
    await nginx?.stop();
    await redis?.stop();
  });

  it('answers UNAVAILABLE meanwhile, stays up, and works again when Redis is back', async () => {
    const [replica] = await startReplicas(redis.url, 1, {
      HEALTH_POLL_INTERVAL: '1s',
      REDIS_COMMAND_TIMEOUT: '500ms',
    });
    const clients = healthClients(replica.address);
    try {
      await clients.admin.addNode({ node: nodeSpec(nginx.host, nginx.port) });
      await waitFor(
        'UP',
        async () =>
          (await clients.admin.getNode({ ip: nginx.host })).node?.health?.status ===
          Status.STATUS_UP,
      );

      // Same port, same (empty) persistence: a Redis restart.
      const port = redis.port;
      await redis.process.stop('SIGKILL');
      const error = await clients.sdk
        .reportSuspect(
          { reporter: 'svc', target: 'vip', failureKind: 1, consecutiveFailures: 3 },
          { signal: AbortSignal.timeout(15_000) },
        )
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      assert.ok(error instanceof ClientError, String(error));
      assert.equal(GrpcStatus[error.code], 'UNAVAILABLE');
      assert.ok(isRunning(replica.process), 'the replica stays up');

      const restarted = startProcess('redis-server-again', 'redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ]);
      try {
        await waitFor(
          'the replica to serve again',
          async () => {
            await clients.admin
              .addNode({ node: nodeSpec(nginx.host, nginx.port) })
              .catch((caught: unknown) => {
                if (!(caught instanceof ClientError) || caught.code !== GrpcStatus.ALREADY_EXISTS)
                  throw caught;
              });
            return true;
          },
          { timeoutMs: 20_000, intervalMs: 200 },
        );
        // The periodic poll resumes by itself and rewrites the status.
        await waitFor(
          'the status rewritten by the poll',
          async () => (await redis.client.get(RedisKeys.healthStatus(nginx.host))) === 'UP',
          { timeoutMs: 10_000, intervalMs: 100 },
        );
        const answer = await clients.sdk.reportSuspect({
          reporter: 'svc',
          target: 'vip',
          failureKind: 1,
          consecutiveFailures: 3,
        });
        assert.ok(
          [ProbeDecision.PROBE_DECISION_STARTED, ProbeDecision.PROBE_DECISION_JOINED].includes(
            answer.decision,
          ),
        );
        assert.ok(isRunning(replica.process));
      } finally {
        await restarted.stop();
      }
    } finally {
      clients.channel.close();
      await replica.stop();
    }
  });
});
