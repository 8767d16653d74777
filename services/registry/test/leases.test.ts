import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Redis } from 'ioredis';
import { Status } from 'nice-grpc';
import { RedisChannels, RedisKeys } from '@gateway/shared';
import { waitFor } from '@gateway/testkit';
import { evictExpired } from '../src/eviction/evictor.js';
import { spec, startRedisAndRegistry } from './support/registry-fixture.js';

const lease = (seconds: number) => ({ seconds, nanos: 0 });

describe('registry: leases, heartbeats and eviction on a real redis-server', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    // Guard minimum high enough that these small fleets are never held back.
    env = await startRedisAndRegistry({ REGISTRY_SELF_PRESERVATION_MIN_EXPIRED: '1000' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('an instance that stops heartbeating disappears after its lease; heartbeats keep the others', async () => {
    const { client } = env.fixture;
    const quiet = await client.register({
      instance: spec({ group: 'lease', host: '10.3.0.1', port: 1 }),
      leaseDuration: lease(1),
    });
    const alive = await client.register({
      instance: spec({ group: 'lease', host: '10.3.0.2', port: 2 }),
      leaseDuration: lease(1),
    });
    const started = Date.now();
    let heartbeats = 0;
    await waitFor(
      'the quiet instance to be evicted',
      async () => {
        await client.heartbeat({ instanceId: alive.instance!.id });
        heartbeats++;
        return !(await env.redis.client.hexists(RedisKeys.instances, quiet.instance!.id));
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    const gone = Date.now() - started;
    assert.ok(gone >= 900, `evicted only after its 1 s lease (took ${gone} ms)`);
    assert.ok(heartbeats > 2);
    assert.equal(
      await env.redis.client.hexists(RedisKeys.instances, alive.instance!.id),
      1,
      'the heartbeating one stays',
    );

    await assert.rejects(
      client.heartbeat({ instanceId: quiet.instance!.id }),
      (error: { code: number; details: string }) => {
        assert.equal(error.code, Status.NOT_FOUND);
        assert.match(error.details, /register again/);
        return true;
      },
    );
    assert.equal(
      await env.redis.client.hexists(RedisKeys.instances, quiet.instance!.id),
      0,
      'a heartbeat never resurrects',
    );
    await client.deregister({ instanceId: alive.instance!.id });
  });

  it('a heartbeat after the lease ran out is NOT_FOUND even before eviction, and Register brings it back', async () => {
    await env.fixture.close(); // no evictor running: the expired entry stays in the hash
    const { startRegistryFixture } = await import('./support/registry-fixture.js');
    const frozen = await startRegistryFixture(env.redis.url, {
      REGISTRY_EVICTION_INTERVAL: '60s',
      REGISTRY_SELF_PRESERVATION_MIN_EXPIRED: '1000',
    });
    try {
      const registered = await frozen.client.register({
        instance: spec({ group: 'expiry', host: '10.4.0.1', port: 1 }),
        leaseDuration: lease(1),
      });
      const id = registered.instance!.id;
      const expireAt = registered.instance!.leaseExpireTime!.getTime();
      await waitFor(
        'the lease to run out by the Redis clock',
        async () => {
          const [seconds, micros] = (await env.redis.client.time()) as unknown as [string, string];
          return Number(seconds) * 1000 + Number(micros) / 1000 > expireAt + 50;
        },
        { timeoutMs: 5_000, intervalMs: 50 },
      );
      assert.equal(await env.redis.client.hexists(RedisKeys.instances, id), 1, 'not evicted yet');
      await assert.rejects(frozen.client.heartbeat({ instanceId: id }), { code: Status.NOT_FOUND });
      const again = await frozen.client.register({
        instance: spec({ group: 'expiry', host: '10.4.0.1', port: 1 }),
        leaseDuration: lease(1),
      });
      assert.equal(again.created, false);
      const renewed = await frozen.client.heartbeat({ instanceId: id });
      assert.ok(renewed.leaseExpireTime!.getTime() > expireAt);
      await frozen.client.deregister({ instanceId: id });
    } finally {
      await frozen.close();
      const { startRegistryFixture: restart } = await import('./support/registry-fixture.js');
      env.fixture = await restart(env.redis.url, {
        REGISTRY_SELF_PRESERVATION_MIN_EXPIRED: '1000',
      });
    }
  });

  it('deregister removes at once; a second deregister and an unknown heartbeat are NOT_FOUND', async () => {
    const { client } = env.fixture;
    const registered = await client.register({
      instance: spec({ group: 'dereg', host: '10.5.0.1', port: 1 }),
    });
    const before = Number(await env.redis.client.get(RedisKeys.instancesRevision));
    const result = await client.deregister({ instanceId: registered.instance!.id });
    assert.equal(result.revision, before + 1);
    assert.equal(await env.redis.client.hexists(RedisKeys.instances, registered.instance!.id), 0);
    assert.equal(
      await env.redis.client.zscore(RedisKeys.instanceLeases, registered.instance!.id),
      null,
    );
    await assert.rejects(client.deregister({ instanceId: registered.instance!.id }), {
      code: Status.NOT_FOUND,
    });
    await assert.rejects(client.heartbeat({ instanceId: 'dereg/10.5.0.9/1' }), {
      code: Status.NOT_FOUND,
    });
  });

  it('two replicas evicting concurrently lose and duplicate nothing', async () => {
    const { client } = env.fixture;
    const { startRegistryFixture } = await import('./support/registry-fixture.js');
    const second = await startRegistryFixture(env.redis.url, {
      REGISTRY_EVICTION_INTERVAL: '100ms',
      REGISTRY_SELF_PRESERVATION_MIN_EXPIRED: '1000',
    });
    const watcher = new Redis(env.redis.url);
    const events: Array<{ revision: number; type: string; id: string }> = [];
    watcher.on('message', (_channel: string, message: string) =>
      events.push(JSON.parse(message) as (typeof events)[number]),
    );
    await watcher.subscribe(RedisChannels.instanceChanges);
    try {
      const count = 200;
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const response = await client.register({
            instance: spec({ group: 'evict', host: '10.6.0.1', port: 1000 + i }),
            leaseDuration: lease(1),
          });
          ids.push(response.instance!.id);
        }),
      );
      const keeper = await client.register({
        instance: spec({ group: 'keep', host: '10.6.0.2', port: 1 }),
        leaseDuration: lease(60),
      });
      // Both replicas' evictors race on the same expired set, plus direct concurrent runs.
      const policy = {
        intervalMs: 50,
        batchSize: 37,
        maxShare: 1,
        guardMinimum: 1_000_000,
        windowMs: 60_000,
        graceTtlMs: 60_000,
      };
      await waitFor(
        'every short lease to be evicted',
        async () => {
          await Promise.all([
            evictExpired(env.redis.client, policy),
            evictExpired(env.redis.client, policy),
            evictExpired(env.redis.client, policy),
          ]);
          return (await env.redis.client.hlen(RedisKeys.instances)) === 1;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      await waitFor(
        'all expiry events',
        () => events.filter((event) => event.type === 'EXPIRED').length >= count,
        { timeoutMs: 5_000 },
      );
      const expired = events.filter((event) => event.type === 'EXPIRED');
      assert.equal(expired.length, count, 'exactly one EXPIRED event per instance');
      assert.deepEqual(
        new Set(expired.map((event) => event.id)),
        new Set(ids),
        'every instance evicted once',
      );
      const revisions = events.map((event) => event.revision);
      assert.deepEqual(
        revisions,
        [...revisions].sort((a, b) => a - b),
        'revisions in order',
      );
      assert.equal(new Set(revisions).size, revisions.length, 'no revision twice');
      assert.equal(
        await env.redis.client.hexists(RedisKeys.instances, keeper.instance!.id),
        1,
        'the live instance kept',
      );
      assert.equal(
        await env.redis.client.zcard(RedisKeys.instanceLeases),
        1,
        'no stale leases left',
      );
    } finally {
      watcher.disconnect();
      await second.close();
    }
  });

  it('after a Redis outage or master switch, an expired lease is kept one lease duration before eviction, and a heartbeat then renews it', async () => {
    const { client } = env.fixture;
    const registered = await client.register({
      instance: spec({ group: 'grace', host: '10.6.9.1', port: 1 }),
      leaseDuration: lease(3),
    });
    const late = await client.register({
      instance: spec({ group: 'grace', host: '10.6.9.2', port: 1 }),
      leaseDuration: lease(3),
    });
    const id = registered.instance!.id;
    const registeredAt = Date.now();
    await waitFor('two seconds of the lease to pass', () => Date.now() - registeredAt >= 2_000, {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    const policy = {
      intervalMs: 1_000,
      batchSize: 500,
      maxShare: 1,
      guardMinimum: 1_000_000,
      windowMs: 60_000,
      graceTtlMs: 10_000,
    };
    const graceAt = Date.now();
    await evictExpired(env.redis.client, policy, true);
    try {
      await waitFor('the lease to run out', () => Date.now() - registeredAt >= 4_000, {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      await evictExpired(env.redis.client, policy);
      assert.equal(
        await env.redis.client.hexists(RedisKeys.instances, id),
        1,
        'kept: expired a second ago, but within one lease of the grace',
      );
      const renewed = await client.heartbeat({ instanceId: late.instance!.id });
      assert.ok(
        renewed.leaseExpireTime!.getTime() > Date.now() + 2_000,
        'a heartbeat within the grace renews a lease that ran out',
      );
      await waitFor(
        'the instance to be evicted once the grace is over',
        async () => !(await env.redis.client.hexists(RedisKeys.instances, id)),
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      const after = Date.now() - graceAt;
      console.log(`[figure] graced instance (3 s lease) evicted ${after} ms after the grace began`);
      assert.ok(after >= 2_900, `evicted ${after} ms after the grace began (lease 3 s)`);
      assert.equal(
        await env.redis.client.hexists(RedisKeys.instances, late.instance!.id),
        1,
        'the renewed one stays',
      );
    } finally {
      await env.redis.client.del(RedisKeys.instancesEvictionGrace);
    }
  });
});
