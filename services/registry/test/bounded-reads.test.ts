import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status } from 'nice-grpc';
import { ListInstancesResponse, WatchInstancesResponse } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import { waitFor } from '@gateway/testkit';
import { spec, startRedisAndRegistry } from './support/registry-fixture.js';

const BOUND = 65_536;
const INSTANCES = 30;

function metadata(i: number): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let j = 0; j < 16; j++) entries[`key-${j}`.padEnd(63, 'k')] = `${i}-${j}`.padEnd(256, 'v');
  return entries;
}

describe('registry: pages and snapshots under a message bound, through an id index that heals', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry({
      REGISTRY_MAX_MESSAGE_BYTES: String(BOUND),
      REGISTRY_INDEX_CHECK_INTERVAL: '1s',
    });
    for (let i = 0; i < INSTANCES; i++) {
      await env.fixture.client.register({
        instance: spec({
          group: i % 2 ? 'odd' : 'even',
          host: `10.2.0.${i + 1}`,
          metadata: metadata(i),
        }),
      });
    }
    await env.fixture.client.register({ instance: spec({ group: 'tiny', host: '10.3.0.1' }) });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('ends pages early at the bound and lists every instance once by following the tokens', async () => {
    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await env.fixture.client.listInstances({ group: '', pageSize: 1000, pageToken });
      assert.ok(ListInstancesResponse.encode(page).finish().length <= BOUND);
      seen.push(...page.instances.map((instance) => instance.id));
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken !== '');
    assert.equal(seen.length, INSTANCES + 1);
    assert.deepEqual(seen, [...seen].sort(), 'in id order');
    assert.ok(pages >= 3, `${pages} pages`);
    const odd = await env.fixture.client.listInstances({
      group: 'odd',
      pageSize: 5,
      pageToken: '',
    });
    assert.equal(odd.instances.length, 5);
    assert.ok(odd.instances.every((instance) => instance.spec?.group === 'odd'));
  });

  it('chunks the snapshot for a client that asks, and refuses a too-large single snapshot to one that does not', async () => {
    const controller = new AbortController();
    const chunks: WatchInstancesResponse[] = [];
    for await (const message of env.fixture.client.watchInstances(
      { group: '', chunkedSnapshots: true },
      { signal: controller.signal },
    )) {
      chunks.push(message);
      if (message.event?.$case === 'snapshot' && !message.event.value.more) break;
    }
    controller.abort();
    assert.ok(chunks.length >= 3);
    assert.ok(
      chunks.every((chunk) => WatchInstancesResponse.encode(chunk).finish().length <= BOUND),
    );
    const count = chunks.reduce(
      (sum, chunk) =>
        sum + (chunk.event?.$case === 'snapshot' ? chunk.event.value.instances.length : 0),
      0,
    );
    assert.equal(count, INSTANCES + 1);

    await assert.rejects(
      async () => {
        for await (const message of env.fixture.client.watchInstances({ group: '' })) void message;
      },
      (error: { code?: Status }) => error.code === Status.FAILED_PRECONDITION,
    );
    // A group small enough for one message still streams to the old client, as before.
    const small = new AbortController();
    for await (const message of env.fixture.client.watchInstances(
      { group: 'tiny' },
      { signal: small.signal },
    )) {
      assert.equal(message.event?.$case, 'snapshot');
      assert.equal(message.event.value.more, false);
      break;
    }
    small.abort();
  });

  it('repairs the index when the hash was written around the scripts', async () => {
    const redis = env.redis.client;
    const source = (await redis.hget(RedisKeys.instances, 'even/10.2.0.1/8080'))!;
    const stored = JSON.parse(source) as { id: string; spec: { host: string } };
    stored.id = 'even/10.2.9.9/8080';
    stored.spec.host = '10.2.9.9';
    const matches = async () =>
      (await redis.zrangebylex(RedisKeys.instanceIndex, '-', '+')).join() ===
      (await redis.hkeys(RedisKeys.instances)).sort().join();
    // Each write changes the hash's size, which is what the check compares (O(1)).
    await redis.hset(RedisKeys.instances, stored.id, JSON.stringify(stored));
    await waitFor('the index to hold the added id', matches, { timeoutMs: 15_000 });
    await redis.hdel(RedisKeys.instances, 'even/10.2.0.3/8080');
    await waitFor('the index to drop the removed id', matches, { timeoutMs: 15_000 });
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await env.fixture.client.listInstances({
        group: 'even',
        pageSize: 100,
        pageToken,
      });
      ids.push(...page.instances.map((instance) => instance.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    assert.ok(ids.includes('even/10.2.9.9/8080'));
    assert.ok(!ids.includes('even/10.2.0.3/8080'));
    assert.equal(
      await redis.zscore(RedisKeys.instanceGroupIndex('even'), 'even/10.2.0.3/8080'),
      null,
    );
  });
});
