import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import {
  expectConfigExit,
  generateSshKey,
  startRedisServer,
  startServiceProcess,
  waitFor,
  type RedisServerHandle,
} from '@gateway/testkit';
import { CONFIG_PUSH_ENTRY, configPushEnv, TOKENS_ENV } from './support/push-fixture.js';

describe('config-push process: signals and configuration', () => {
  let redis: RedisServerHandle;
  const key = generateSshKey();
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('SIGTERM: the lease holder drains, gives the lease up and exits 0', async () => {
    const replica = await startServiceProcess({
      name: 'config-push',
      entry: CONFIG_PUSH_ENTRY,
      env: configPushEnv(redis.url, key.privateKeyPath, { CONFIG_PUSH_REPLICA_ID: 'only' }),
    });
    await waitFor('the lease', async () =>
      (await redis.client.get(RedisKeys.pushLeader))?.startsWith('only|'),
    );
    const started = Date.now();
    const exit = await replica.stop(10_000);
    const took = Date.now() - started;
    console.log(`# exit after SIGTERM: ${took} ms`);
    assert.equal(exit.code, 0, replica.process.output().slice(-2000));
    assert.equal(await redis.client.get(RedisKeys.pushLeader), null, 'lease given up');
    assert.match(replica.process.output(), /"msg":"stopped"/);
  });

  it('SIGTERM while Redis is gone: still drains and exits 0 within 5 s', async () => {
    const lonely = await startRedisServer();
    const replica = await startServiceProcess({
      name: 'config-push',
      entry: CONFIG_PUSH_ENTRY,
      env: configPushEnv(lonely.url, key.privateKeyPath),
    });
    await waitFor(
      'the lease',
      async () => (await lonely.client.get(RedisKeys.pushLeader)) !== null,
    );
    await lonely.stop();
    const started = Date.now();
    replica.process.child.kill('SIGTERM');
    const exit = await replica.process.exited;
    const took = Date.now() - started;
    console.log(`# exit after SIGTERM with Redis gone: ${took} ms`);
    assert.equal(exit.code, 0, replica.process.output().slice(-2000));
    assert.ok(took < 5_000, `exited in ${took} ms`);
  });

  it('a bad variable exits 78 naming the variable and why', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: '/nonexistent/key' },
        /CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: cannot read \/nonexistent\/key \(ENOENT\)/,
      ],
      [{ CONFIG_PUSH_LEASE_TTL: 'long' }, /CONFIG_PUSH_LEASE_TTL: "long" is not a duration/],
      [
        { CONFIG_PUSH_REMOTE_COMMAND: 'apply && reboot' },
        /CONFIG_PUSH_REMOTE_COMMAND: must be a command line/,
      ],
    ];
    const base = {
      REDIS_URL: redis.url,
      GATEWAY_TOKENS: TOKENS_ENV,
      CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
    };
    for (const [env, expected] of cases)
      await expectConfigExit(CONFIG_PUSH_ENTRY, { ...base, ...env }, expected);
  });
});
