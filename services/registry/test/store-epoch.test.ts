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

    const flushedAt = received.length;
    await redis.client.flushall();
    const again = await client.register({ instance: spec({ host: '10.9.0.3', port: 3 }) });
    assert.equal(again.revision, 1, 'revisions start again in the new epoch');
    await client.register({ instance: spec({ host: '10.9.0.4', port: 4 }) });
    const second = (await client.listInstances({ group: '', pageSize: 0, pageToken: '' })).epoch;
    assert.match(second, /^\d+-[0-9a-f]{16}$/);
    assert.notEqual(second, first, 'a new epoch');
    assert.ok(Number(second.split('-')[0]) >= Number(first.split('-')[0]), 'a newer epoch');

    // What the watcher holds: a snapshot replaces everything, a change applies on top.
    const view = () => {
      const ids = new Set<string>();
      let at = { epoch: '', revision: 0 };
      for (const message of received) {
        if (message.event?.$case === 'snapshot') {
          ids.clear();
          for (const instance of message.event.value.instances) ids.add(instance.id);
        } else if (message.event?.$case === 'change') {
          const change = message.event.value;
          if (change.instance) ids.add(change.instanceId);
          else ids.delete(change.instanceId);
        }
        at = { epoch: message.epoch, revision: message.revision };
      }
      return { ids: [...ids].sort(), at };
    };
    await waitFor(
      'the watcher to reach the new epoch',
      () => view().at.epoch === second && view().at.revision === 2,
    );
    assert.deepEqual(
      view().ids,
      ['default/10.9.0.3/3', 'default/10.9.0.4/4'],
      'only what the new dataset has',
    );
    assert.ok(
      received.slice(flushedAt).some((message) => message.event?.$case === 'snapshot'),
      'the loss reached the watcher as a snapshot (of the empty dataset, or of the new epoch)',
    );
    await watch.stop();
  });
});
