import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ChangeType } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import { waitFor, collectStream } from '@gateway/testkit';
import { spec, startRedisAndRegistry } from './support/registry-fixture.js';

describe('registry: register, list, watch on a real redis-server', () => {
  let env: Awaited<ReturnType<typeof startRedisAndRegistry>>;
  beforeAll(async () => {
    env = await startRedisAndRegistry();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('stores exactly the registered instances, bumps the revision by one per change, and streams the changes', async () => {
    const { client } = env.fixture;
    const redis = env.redis.client;

    const watch = collectStream((signal) => client.watchInstances({ group: '' }, { signal }));
    const received = watch.messages;
    await waitFor('the snapshot', () => received.length === 1);
    const first = received[0];
    assert.equal(first.event?.$case, 'snapshot');
    assert.equal(first.revision, 0);

    const a = await client.register({
      instance: spec({ group: 'default', host: '10.0.0.1', port: 8080, weight: 5 }),
    });
    const b = await client.register({
      instance: spec({ group: 'default', host: '2001:DB8:0:0::1', port: 8081 }),
    });
    const c = await client.register({
      instance: spec({
        group: 'payments',
        host: 'core-1.example.internal',
        port: 9000,
        backup: true,
        maxFails: 3,
        failTimeout: { seconds: 30, nanos: 0 },
      }),
    });
    assert.deepEqual([a.revision, b.revision, c.revision], [1, 2, 3]);
    assert.equal(a.created, true);
    assert.equal(b.instance?.id, 'default/2001:db8::1/8081', 'IPv6 is stored in canonical form');

    const fields = (await redis.hkeys(RedisKeys.instances)).sort();
    assert.deepEqual(fields, [
      'default/10.0.0.1/8080',
      'default/2001:db8::1/8081',
      'payments/core-1.example.internal/9000',
    ]);
    assert.equal(await redis.get(RedisKeys.instancesRevision), '3');
    const stored = JSON.parse(
      (await redis.hget(RedisKeys.instances, 'default/10.0.0.1/8080'))!,
    ) as { spec: { weight: number }; revision: number };
    assert.equal(stored.spec.weight, 5);
    assert.equal(stored.revision, 1);

    // Idempotent: the same registration changes nothing, not even the revision.
    const again = await client.register({
      instance: spec({ group: 'default', host: '10.0.0.1', port: 8080, weight: 5 }),
    });
    assert.equal(again.created, false);
    assert.equal(again.revision, 3);
    // A changed spec is an update: one more revision.
    const updated = await client.register({
      instance: spec({ group: 'default', host: '10.0.0.1', port: 8080, weight: 7 }),
    });
    assert.equal(updated.revision, 4);
    assert.equal(updated.created, false);
    assert.equal(
      updated.instance?.registerTime?.getTime(),
      a.instance?.registerTime?.getTime(),
      'first registration time kept',
    );

    const all = await client.listInstances({ group: '', pageSize: 0, pageToken: '' });
    assert.equal(all.instances.length, 3);
    assert.equal(all.revision, 4);
    assert.equal(all.selfPreservation?.active, false);
    const payments = await client.listInstances({ group: 'payments', pageSize: 0, pageToken: '' });
    assert.deepEqual(
      payments.instances.map((instance) => instance.id),
      ['payments/core-1.example.internal/9000'],
    );
    assert.equal(payments.instances[0].spec?.maxFails, 3);
    assert.equal(payments.instances[0].spec?.failTimeout?.seconds, 30);
    assert.equal(payments.instances[0].spec?.backup, true);

    const dropped = await client.deregister({ instanceId: 'default/2001:db8::1/8081' });
    assert.equal(dropped.revision, 5);
    assert.equal(await redis.hlen(RedisKeys.instances), 2);

    await waitFor('five changes on the watch stream', () => received.length === 6);
    const changes = received.slice(1).map((message) => {
      assert.equal(message.event?.$case, 'change');
      return {
        revision: message.revision,
        type: message.event.value.type,
        id: message.event.value.instanceId,
      };
    });
    assert.deepEqual(changes, [
      { revision: 1, type: ChangeType.CHANGE_TYPE_REGISTERED, id: 'default/10.0.0.1/8080' },
      { revision: 2, type: ChangeType.CHANGE_TYPE_REGISTERED, id: 'default/2001:db8::1/8081' },
      {
        revision: 3,
        type: ChangeType.CHANGE_TYPE_REGISTERED,
        id: 'payments/core-1.example.internal/9000',
      },
      { revision: 4, type: ChangeType.CHANGE_TYPE_UPDATED, id: 'default/10.0.0.1/8080' },
      { revision: 5, type: ChangeType.CHANGE_TYPE_DEREGISTERED, id: 'default/2001:db8::1/8081' },
    ]);
    await watch.stop();
  });

  it('pages through a group in id order with opaque tokens', async () => {
    const { client } = env.fixture;
    for (let port = 7000; port < 7025; port++)
      await client.register({ instance: spec({ group: 'paged', host: '10.1.0.1', port }) });
    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await client.listInstances({ group: 'paged', pageSize: 10, pageToken });
      seen.push(...page.instances.map((instance) => instance.id));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== '' && pages < 10);
    assert.equal(pages, 3);
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, 25);
  });

  it('watching one group sees only that group', async () => {
    const { client } = env.fixture;
    const watch = collectStream((signal) =>
      client.watchInstances({ group: 'only-me' }, { signal }),
    );
    const received = watch.messages;
    await waitFor('the snapshot', () => received.length === 1);
    await client.register({ instance: spec({ group: 'someone-else', host: '10.2.0.1', port: 1 }) });
    await client.register({ instance: spec({ group: 'only-me', host: '10.2.0.2', port: 2 }) });
    await waitFor('the only-me change', () => received.length === 2);
    const change = received[1];
    assert.equal(
      change.event?.$case === 'change' && change.event.value.instanceId,
      'only-me/10.2.0.2/2',
    );
    await watch.stop();
    assert.equal(received.length, 2);
  });
});
