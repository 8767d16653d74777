import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status } from '@gateway/proto/health';
import { RedisKeys } from '@gateway/shared';
import { waitFor, type NginxHandle, type RedisServerHandle, collectStream } from '@gateway/testkit';
import { nodeSpec, startHealthWithNginx, type HealthFixture } from './support/health-fixture.js';

describe('health: WatchNodes streams a snapshot, then changes, and ends on shutdown', () => {
  let redis: RedisServerHandle;
  let nginx: NginxHandle;
  let fixture: HealthFixture;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ redis, nginx, fixture, close } = await startHealthWithNginx('127.0.0.14'));
  });
  afterAll(async () => await close?.());

  it('sends the inventory, each status change, a fresh snapshot on inventory changes or a lost message, and completes when the server stops', async () => {
    const { admin } = fixture;
    await admin.addNode({ node: nodeSpec('127.0.0.14', nginx.port, { label: 'watched' }) });
    await waitFor(
      'UP',
      async () =>
        (await admin.getNode({ ip: '127.0.0.14' })).node?.health?.status === Status.STATUS_UP,
    );

    const watch = collectStream((signal) => admin.watchNodes({}, { signal }));
    const messages = watch.messages;
    await waitFor('the snapshot', () => messages.length === 1);
    assert.equal(messages[0].snapshot, true);
    assert.deepEqual(
      messages[0].nodes.map((node) => [node.spec?.ip, node.health?.status]),
      [['127.0.0.14', Status.STATUS_UP]],
    );

    await nginx.stop();
    await admin.probeNow({ ip: '' });
    await waitFor('the DOWN change', () => messages.length === 2);
    assert.equal(messages[1].snapshot, false);
    assert.deepEqual(
      messages[1].nodes.map((node) => [node.spec?.ip, node.health?.status, node.health?.reason]),
      [['127.0.0.14', Status.STATUS_DOWN, 'connection refused']],
    );

    await admin.addNode({ node: nodeSpec('127.0.0.15', 9, { label: 'second' }) });
    await waitFor('a snapshot with both nodes', () =>
      messages.some(
        (message, index) => index >= 2 && message.snapshot && message.nodes.length === 2,
      ),
    );
    await admin.removeNode({ ip: '127.0.0.15' });
    await waitFor(
      'a snapshot with one node again',
      () => messages.at(-1)?.snapshot === true && messages.at(-1)?.nodes.length === 1,
    );

    // A lost message: the revision moves without a publish; the poll notices and resynchronizes.
    const count = messages.length;
    await redis.client.incr(RedisKeys.healthRevision);
    await waitFor(
      'a resync snapshot',
      () => messages.length > count && messages.at(-1)?.snapshot === true,
      { timeoutMs: 5_000 },
    );

    await fixture.close();
    assert.equal(await watch.ended, 'completed', 'the stream ends cleanly on shutdown');
    fixture = undefined as unknown as HealthFixture;
  });
});
