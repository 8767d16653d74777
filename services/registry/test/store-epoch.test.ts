import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import { collectStream, waitFor, type RedisServerHandle } from '@gateway/testkit';
import { spec, startRedisAndRegistry, type RegistryFixture } from './support/registry-fixture.js';

describe('registry: the store epoch', () => {
  let redis: RedisServerHandle;
  let fixture: RegistryFixture;
  let stack: Awaited<ReturnType<typeof startRedisAndRegistry>> | undefined;
  beforeAll(async () => {
    stack = await startRedisAndRegistry();
    ({ redis, fixture } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is created by the first write, and a data loss starts a new one that resynchronises every watcher with a snapshot', async () => {
    const { client } = fixture;
    assert.equal((await client.listInstances({ group: '', pageSize: 0, pageToken: '' })).epoch, '');
    await client.register({ instance: spec({ host: '10.9.0.1', port: 1 }) });
    await client.register({ instance: spec({ host: '10.9.0.2', port: 2 }) });
    const first = (await client.listInstances({ group: '', pageSize: 0, pageToken: '' })).epoch;
    assert.match(first, /^\d+-[0-9a-f]{16}$/);
    assert.equal(await redis.client.get(RedisKeys.instancesEpoch), first);

    const watch = collectStream((signal) => client.watchInstances({ group: '' }, { signal }));
    const received = watch.messages;
    await waitFor('the snapshot', () => received.length === 1);
    assert.deepEqual([received[0].epoch, received[0].revision], [first, 2]);

    await redis.client.flushall();
    const again = await client.register({ instance: spec({ host: '10.9.0.3', port: 3 }) });
    assert.equal(again.revision, 1, 'revisions start again in the new epoch');
    const last = await waitFor('a snapshot of the new epoch', () =>
      received.find(
        (message) =>
          message.event?.$case === 'snapshot' && message.epoch !== first && message.epoch !== '',
      ),
    );
    assert.equal(last.revision, 1);
    assert.deepEqual(
      last.event?.$case === 'snapshot' && last.event.value.instances.map((instance) => instance.id),
      ['default/10.9.0.3/3'],
      'the watcher now holds only what the new dataset has',
    );
    const second = (await client.listInstances({ group: '', pageSize: 0, pageToken: '' })).epoch;
    assert.equal(second, last.epoch);
    assert.ok(Number(second.split('-')[0]) >= Number(first.split('-')[0]), 'a newer epoch');

    // Changes of the new epoch follow as changes again.
    await client.register({ instance: spec({ host: '10.9.0.4', port: 4 }) });
    const change = await waitFor('the next change', () =>
      received.find((message) => message.event?.$case === 'change' && message.revision === 2),
    );
    assert.equal(change.epoch, second);
    await watch.stop();
  });
});
