import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  closeRedis,
  createLogger,
  createRedisClient,
  loadConfig,
  commonConfigShape,
  RedisKeys,
} from '@gateway/shared';
import {
  makeRedisTlsFiles,
  startRedisServer,
  waitFor,
  type RedisServerHandle,
  type RedisTlsFiles,
} from '@gateway/testkit';
import { startRegistryFixture, type RegistryFixture } from './support/registry-fixture.js';

const logger = createLogger('redis-tls-test', 'silent');

describe('TLS to Redis with a client certificate (rediss://, REDIS_TLS_*)', () => {
  let files: RedisTlsFiles;
  let redis: RedisServerHandle;
  let fixture: RegistryFixture | undefined;

  beforeAll(async () => {
    files = makeRedisTlsFiles();
    redis = await startRedisServer({ tls: files });
  });
  afterAll(async () => {
    await fixture?.close();
    await redis?.stop();
  });

  const clientFor = (env: Record<string, string>) =>
    createRedisClient(
      loadConfig(commonConfigShape('127.0.0.1:0'), { REDIS_URL: redis.url, ...env }),
      'tls-check',
      logger,
    );

  it('connects with the CA and a client certificate; refuses to connect without the certificate or the CA', async () => {
    const good = clientFor({
      REDIS_TLS_CA_FILE: files.caFile,
      REDIS_TLS_CERT_FILE: files.clientCertFile,
      REDIS_TLS_KEY_FILE: files.clientKeyFile,
    });
    try {
      assert.equal(await good.ping(), 'PONG');
    } finally {
      await closeRedis(good);
    }
    for (const [why, env] of [
      ['no client certificate', { REDIS_TLS_CA_FILE: files.caFile }],
      [
        'the server not trusted (no CA)',
        { REDIS_TLS_CERT_FILE: files.clientCertFile, REDIS_TLS_KEY_FILE: files.clientKeyFile },
      ],
    ] as const) {
      const bad = clientFor(env);
      const errors: string[] = [];
      bad.on('error', (error: Error) => errors.push(error.message));
      try {
        await assert.rejects(bad.ping(), why);
        await waitFor(`a TLS error (${why})`, () => errors.length > 0);
      } finally {
        await closeRedis(bad);
      }
    }
  });

  it('runs the registry over it: a registration is stored', async () => {
    fixture = await startRegistryFixture(redis.url, {
      REDIS_TLS_CA_FILE: files.caFile,
      REDIS_TLS_CERT_FILE: files.clientCertFile,
      REDIS_TLS_KEY_FILE: files.clientKeyFile,
    });
    const response = await fixture.client.register({
      instance: {
        group: 'default',
        host: '10.1.2.3',
        port: 8080,
        weight: 1,
        backup: false,
        adminState: 0,
        metadata: {},
      },
      leaseDuration: { seconds: 30, nanos: 0 },
    });
    assert.ok(response.instance?.id);
    assert.equal(await redis.client.hlen(RedisKeys.instances), 1);
  });
});
