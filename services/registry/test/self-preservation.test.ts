import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import { waitFor } from '@gateway/testkit';
import { spec, startRedisAndRegistry } from './support/registry-fixture.js';

describe('registry: self-preservation when too many leases expire at once', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry({
      REGISTRY_SELF_PRESERVATION_SHARE: '0.5',
      REGISTRY_SELF_PRESERVATION_MIN_EXPIRED: '3',
      REGISTRY_SELF_PRESERVATION_WINDOW: '3s',
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('stops evicting once the share would be exceeded, shows it in ListInstances, and evicts again when heartbeats return', async () => {
    const { client } = env.fixture;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.register({
          instance: spec({ group: 'fleet', host: '10.8.0.1', port: 100 + i }),
          leaseDuration: { seconds: 1, nanos: 0 },
        }),
      ),
    );
    const ids = responses.map((response) => response.instance!.id);
    // Nobody heartbeats (as if the fleet lost Redis for a while): all ten leases run out.
    const listed = await waitFor(
      'self-preservation to show in ListInstances',
      async () => {
        const response = await client.listInstances({ group: '', pageSize: 0, pageToken: '' });
        return response.selfPreservation?.active ? response : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const kept = listed.instances.length;
    console.log(`# self-preservation engaged with ${kept} of 10 instances kept`);
    assert.ok(kept >= 5, `at most half evicted (kept ${kept})`);
    assert.equal(listed.selfPreservation!.totalCount, kept);
    assert.match(
      listed.selfPreservation!.reason,
      /leases expired and \d+ instances were evicted in the last 3 s/,
    );
    const stillThere = await env.redis.client.hlen(RedisKeys.instances);
    assert.equal(stillThere, kept, 'nothing more evicted while preserving');

    // All but one come back (Heartbeat answers NOT_FOUND after expiry, so they register again).
    const survivors = listed.instances.map((instance) => instance.id).sort();
    for (const id of survivors.slice(1)) {
      const [group, host, port] = id.split('/');
      await client.register({
        instance: spec({ group, host, port: Number(port) }),
        leaseDuration: { seconds: 60, nanos: 0 },
      });
    }
    // The one still silent goes once the share allows it (at the latest when the window has passed).
    await waitFor(
      'the silent instance to be evicted',
      async () => (await env.redis.client.hlen(RedisKeys.instances)) === kept - 1,
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    const after = await client.listInstances({ group: '', pageSize: 0, pageToken: '' });
    assert.equal(after.selfPreservation?.active, false);
    assert.deepEqual(after.instances.map((instance) => instance.id).sort(), survivors.slice(1));
    assert.ok(ids.includes(survivors[0]));
  });

  it('a lone instance still expires (fewer than the guard minimum)', async () => {
    const { client } = env.fixture;
    const response = await client.register({
      instance: spec({ group: 'lonely', host: '10.8.1.1', port: 1 }),
      leaseDuration: { seconds: 1, nanos: 0 },
    });
    await waitFor(
      'the lone instance to expire',
      async () => !(await env.redis.client.hexists(RedisKeys.instances, response.instance!.id)),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  });
});
