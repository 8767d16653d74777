import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import {
  expectConfigExit,
  startRedisServer,
  tempDir,
  waitFor,
  type RedisServerHandle,
  collectStream,
} from '@gateway/testkit';
import { HEALTH_ENTRY, healthClients, TOKENS_ENV } from './support/health-fixture.js';
import { startReplicas } from './support/replicas.js';

describe('health: the process (seeding, exit code, SIGTERM drain)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('exits 78 naming the variable when the configuration is bad', async () => {
    await expectConfigExit(
      HEALTH_ENTRY,
      { GATEWAY_TOKENS: TOKENS_ENV, REDIS_URL: redis.url, HEALTH_NODES: '[{"ip":"10.0.0"}]' },
      /HEALTH_NODES: nodes\[0\]\.ip/,
    );
  });

  it('seeds absent nodes from HEALTH_NODES and HEALTH_NODES_FILE, keeps stored ones, and drains on SIGTERM', async () => {
    const stored = {
      ip: '127.0.0.21',
      healthUrl: 'http://127.0.0.21/healthz',
      ssh: { host: '127.0.0.21', port: 22, user: 'ops' },
      configPath: '/etc/nginx/stored.conf',
      label: 'kept',
    };
    await redis.client.hset(RedisKeys.nodes, stored.ip, JSON.stringify(stored));
    const file = join(tempDir('health-seed'), 'nodes.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          ip: '127.0.0.22',
          ssh: { user: 'deploy' },
          configPath: '/etc/nginx/conf.d/upstream.conf',
          label: 'from-file',
        },
      ]),
    );
    const inline = JSON.stringify([
      {
        ip: '127.0.0.21',
        ssh: { user: 'deploy' },
        configPath: '/etc/nginx/other.conf',
        label: 'seed',
      },
    ]);
    const [replica] = await startReplicas(redis.url, 1, {
      HEALTH_NODES: inline,
      HEALTH_NODES_FILE: file,
      // Nobody listens there (loopback): the probes are refused at once.
      HEALTH_PROBE_TIMEOUT: '300ms',
      HEALTH_PROBE_CONNECT_TIMEOUT: '200ms',
      SHUTDOWN_TIMEOUT: '3s',
    });
    const clients = healthClients(replica.address);
    try {
      const { nodes } = await clients.admin.listNodes({});
      assert.deepEqual(
        nodes.map((node) => [node.spec?.ip, node.spec?.label]),
        [
          ['127.0.0.21', 'kept'],
          ['127.0.0.22', 'from-file'],
        ],
      );
      assert.equal(nodes[1].spec?.healthUrl, 'http://127.0.0.22/healthz');

      const watch = collectStream((signal) => clients.admin.watchNodes({}, { signal }));
      await waitFor('the snapshot', () => watch.messages.length >= 1);
      const stoppedAt = performance.now();
      const exit = await replica.stop(10_000);
      const drainMs = performance.now() - stoppedAt;
      console.log(
        `# FIGURE SIGTERM with an open WatchNodes stream: exited ${exit.code} after ${drainMs.toFixed(0)} ms`,
      );
      assert.equal(exit.code, 0, replica.process.output().slice(-2000));
      assert.equal(await watch.ended, 'completed');
    } finally {
      clients.channel.close();
      await replica.stop();
    }
  });
});
