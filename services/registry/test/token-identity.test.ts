import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status } from 'nice-grpc';
import { RedisKeys } from '@gateway/shared';
import { waitFor } from '@gateway/testkit';
import {
  instanceOn,
  SECRETS,
  startIdentityWorld,
  type IdentityWorld,
} from './support/identity-world.js';

describe('registry: tokens with identity, ownership, scope, quota and host policy', () => {
  let world: IdentityWorld;
  beforeAll(async () => {
    world = await startIdentityWorld();
  }, 150_000);
  afterAll(async () => {
    await world?.close();
  });

  it('only the token that registered an instance (or an admin) may heartbeat, update or deregister it', async () => {
    const a = world.client(SECRETS.coreA);
    const b = world.client(SECRETS.coreB);
    const admin = world.client(SECRETS.admin);
    const registered = await a.register({ instance: instanceOn('10.20.0.1') });
    const id = registered.instance!.id;
    assert.equal(registered.instance!.ownerToken, 'core-a');

    const denied = { code: Status.PERMISSION_DENIED, message: /registered by another token/ };
    await assert.rejects(b.heartbeat({ instanceId: id }), denied);
    await assert.rejects(b.register({ instance: instanceOn('10.20.0.1', { weight: 7 }) }), denied);
    await assert.rejects(b.deregister({ instanceId: id }), denied);
    const stored = await admin.listInstances({ group: 'default', pageSize: 0, pageToken: '' });
    assert.deepEqual(
      stored.instances.map((instance) => [instance.id, instance.spec?.weight, instance.ownerToken]),
      [[id, 1, 'core-a']],
      'B changed nothing',
    );

    await a.heartbeat({ instanceId: id });
    const updated = await admin.register({ instance: instanceOn('10.20.0.1', { weight: 5 }) });
    assert.equal(updated.instance!.ownerToken, 'core-a', 'an admin update keeps the owner');
    await admin.heartbeat({ instanceId: id });
    await admin.deregister({ instanceId: id });
    assert.equal(await world.redis.client.hexists(RedisKeys.instances, id), 0);
    assert.equal(await world.redis.client.zcard(RedisKeys.instanceOwnerIndex('core-a')), 0);
  });

  it('a token scoped to "orders" cannot register in "default"', async () => {
    const orders = world.client(SECRETS.orders);
    await assert.rejects(orders.register({ instance: instanceOn('10.20.1.1') }), {
      code: Status.PERMISSION_DENIED,
      message: /instance\.group: token "orders-core" may register in "orders" only, not "default"/,
    });
    const ok = await orders.register({ instance: instanceOn('10.20.1.1', { group: 'orders' }) });
    await orders.deregister({ instanceId: ok.instance!.id });
  });

  it('the quota holds, and frees after a deregistration and after an eviction', async () => {
    const orders = world.client(SECRETS.orders);
    const first = await orders.register({ instance: instanceOn('10.20.2.1', { group: 'orders' }) });
    const second = await orders.register({
      instance: instanceOn('10.20.2.2', { group: 'orders' }),
      leaseDuration: { seconds: 1, nanos: 0 },
    });
    const third = { instance: instanceOn('10.20.2.3', { group: 'orders' }) };
    await assert.rejects(orders.register(third), {
      code: Status.RESOURCE_EXHAUSTED,
      message: /already owns 2 instances, its quota of 2/,
    });
    // Re-registering one it owns is no new instance: allowed at the quota.
    await orders.register({ instance: instanceOn('10.20.2.1', { group: 'orders', weight: 3 }) });

    await orders.deregister({ instanceId: first.instance!.id });
    const replacement = await orders.register(third);
    await assert.rejects(
      orders.register({ instance: instanceOn('10.20.2.4', { group: 'orders' }) }),
      { code: Status.RESOURCE_EXHAUSTED },
    );

    // The 1 s lease of the second runs out without heartbeats: its eviction frees a place.
    const fourth = await waitFor(
      'the evicted instance to free its quota place',
      async () => {
        try {
          return await orders.register({ instance: instanceOn('10.20.2.4', { group: 'orders' }) });
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    assert.equal(await world.redis.client.hexists(RedisKeys.instances, second.instance!.id), 0);
    assert.deepEqual(
      (await world.redis.client.zrange(RedisKeys.instanceOwnerIndex('orders-core'), 0, -1)).sort(),
      [replacement.instance!.id, fourth.instance!.id].sort(),
    );
  });

  it('refuses loopback, link-local and unspecified hosts by default, naming the field', async () => {
    const a = world.client(SECRETS.coreA);
    for (const host of ['127.0.0.1', '::1', 'localhost', '169.254.169.254', 'fe80::1', '0.0.0.0']) {
      await assert.rejects(a.register({ instance: instanceOn(host) }), {
        code: Status.PERMISSION_DENIED,
        message:
          /^\/gateway\.registry\.v1\.RegistryService\/Register PERMISSION_DENIED: instance\.host: .* is an? (loopback|link-local|unspecified)/,
      });
    }
    assert.equal(
      await world.redis.client.hlen(RedisKeys.instances),
      2,
      "only the quota test's two",
    );
  });

  it('writes one audit line per mutating call: token, peer, target and outcome', async () => {
    const a = world.client(SECRETS.coreA);
    const b = world.client(SECRETS.coreB);
    const registered = await a.register({ instance: instanceOn('10.20.3.1') });
    const id = registered.instance!.id;
    await assert.rejects(b.deregister({ instanceId: id }));
    await a.heartbeat({ instanceId: id });
    await a.deregister({ instanceId: id });
    await assert.rejects(world.client('not-a-token-0123456789').deregister({ instanceId: id }));
    const lines = await waitFor('the audit lines', () => {
      const audit = world
        .logLines()
        .filter((line) => line['log'] === 'audit' && line['target'] === `instance ${id}`);
      return audit.length >= 4 && audit;
    });
    assert.deepEqual(
      lines.map((line) => [line['method'], line['token'], line['outcome']]),
      [
        ['Register', 'core-a', 'OK'],
        ['Deregister', 'core-b', 'PERMISSION_DENIED'],
        ['Deregister', 'core-a', 'OK'],
        ['Deregister', '-', 'UNAUTHENTICATED'],
      ],
      'once per mutating call (a heartbeat is not audited)',
    );
    for (const line of lines) assert.match(String(line['peer']), /127\.0\.0\.1:\d+/);
  });
});
