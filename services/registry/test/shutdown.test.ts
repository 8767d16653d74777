import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient } from 'nice-grpc';
import { RegistryServiceDefinition, type WatchInstancesResponse } from '@gateway/proto/registry';
import {
  expectConfigExit,
  startRedisServer,
  startServiceProcess,
  waitFor,
  type RedisServerHandle,
  collectStream,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { bearer, REGISTRY_ENTRY, spec, TOKENS, TOKENS_ENV } from './support/registry-fixture.js';

describe('registry process: signals and configuration', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('SIGTERM during a Watch: the stream ends cleanly and the process exits 0 within 5 s', async () => {
    const registry = await startServiceProcess({
      name: 'registry',
      entry: REGISTRY_ENTRY,
      env: { REDIS_URL: redis.url, GATEWAY_TOKENS: TOKENS_ENV, ...LOOPBACK_INSTANCES_ENV },
    });
    const channel = createChannel(registry.address);
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.admin) });
    const watch = collectStream<WatchInstancesResponse>((signal) =>
      client.watchInstances({ group: '' }, { signal }),
    );
    await waitFor('the snapshot', () => watch.messages.length === 1);
    await client.register({ instance: spec({ port: 1 }) });
    await waitFor('the change', () => watch.messages.length === 2);

    const started = Date.now();
    registry.process.child.kill('SIGTERM');
    const exit = await registry.process.exited;
    const took = Date.now() - started;
    console.log(`# exit after SIGTERM with an open Watch: ${took} ms`);
    assert.equal(exit.code, 0, registry.process.output().slice(-2000));
    assert.ok(took < 5_000, `exited in ${took} ms`);
    assert.equal(await watch.ended, 'completed', 'the stream ended with OK, not an error');
    assert.match(registry.process.output(), /"msg":"stopped"/);
    channel.close();
  });

  it('SIGTERM while Redis is gone: still drains and exits 0 within 5 s', async () => {
    const lonely = await startRedisServer();
    const registry = await startServiceProcess({
      name: 'registry',
      entry: REGISTRY_ENTRY,
      env: { REDIS_URL: lonely.url, GATEWAY_TOKENS: TOKENS_ENV, ...LOOPBACK_INSTANCES_ENV },
    });
    await lonely.stop();
    const started = Date.now();
    registry.process.child.kill('SIGTERM');
    const exit = await registry.process.exited;
    const took = Date.now() - started;
    console.log(`# exit after SIGTERM with Redis gone: ${took} ms`);
    assert.equal(exit.code, 0, registry.process.output().slice(-2000));
    assert.ok(took < 5_000, `exited in ${took} ms`);
  });

  it('a bad variable exits 78 naming the variable and why', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ REDIS_URL: 'http://nope', GATEWAY_TOKENS: TOKENS_ENV }, /REDIS_URL: must be redis:\/\//],
      [{ GRPC_LISTEN: 'nowhere', GATEWAY_TOKENS: TOKENS_ENV }, /GRPC_LISTEN: must be host:port/],
      [
        { REGISTRY_LEASE_DEFAULT: 'soon', GATEWAY_TOKENS: TOKENS_ENV },
        /REGISTRY_LEASE_DEFAULT: "soon" is not a duration/,
      ],
      [{ GATEWAY_TOKENS: 'root:0123456789abcdef' }, /GATEWAY_TOKENS: entry 1 must be role:token/],
      [
        { GATEWAY_TOKENS: 'core:short' },
        /GATEWAY_TOKENS: entry 1 \(core\): the token must be 16 to 4096 characters/,
      ],
      [
        { GATEWAY_TOKENS: TOKENS_ENV, REGISTRY_ALLOWED_HOSTS: '10.0.0.0/40' },
        /REGISTRY_ALLOWED_HOSTS: "10.0.0.0\/40": the prefix length must be 0 to 32/,
      ],
      [{}, /GATEWAY_TOKENS: no tokens configured.*GATEWAY_AUTH=disabled/],
    ];
    for (const [env, expected] of cases) await expectConfigExit(REGISTRY_ENTRY, env, expected);
  });
});
