import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { applyProbeResultScript, RedisChannels, RedisKeys } from '@gateway/shared';
import { startRedisServer, type RedisServerHandle } from '@gateway/testkit';

const IP = '127.0.0.30';

describe('health: the transition script (damping, ordering, one flip per transition) on a real redis-server', () => {
  let redis: RedisServerHandle;
  let time = 1_000;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    await redis.client.flushall();
    await redis.client.hset(RedisKeys.nodes, IP, '{}');
  });

  const apply = async (
    healthy: boolean,
    trigger: string,
    options: { rise?: number; fall?: number; at?: number } = {},
  ) => {
    const reply = (await applyProbeResultScript.run(
      redis.client,
      [
        RedisKeys.nodes,
        RedisKeys.healthStatus(IP),
        RedisKeys.healthDetail(IP),
        RedisKeys.healthRevision,
      ],
      [
        IP,
        healthy ? 1 : 0,
        options.at ?? (time += 10),
        3,
        healthy ? 'HTTP 200' : 'connection refused',
        options.rise ?? 2,
        options.fall ?? 3,
        trigger,
        '',
        'test',
        RedisChannels.healthChanges,
      ],
    )) as Array<number | string>;
    return { changed: reply[0], status: reply[1] };
  };

  it('needs fall failed polls to go DOWN and rise successes to come back UP', async () => {
    assert.deepEqual(
      await apply(true, 'poll'),
      { changed: 1, status: 'UP' },
      'first probe decides',
    );
    assert.deepEqual(await apply(false, 'poll'), { changed: 0, status: 'UP' });
    assert.deepEqual(await apply(false, 'poll'), { changed: 0, status: 'UP' });
    assert.deepEqual(await apply(false, 'poll'), { changed: 1, status: 'DOWN' });
    assert.deepEqual(
      await apply(false, 'poll'),
      { changed: 0, status: 'DOWN' },
      'one transition, however many failures',
    );
    assert.deepEqual(await apply(true, 'poll'), { changed: 0, status: 'DOWN' });
    assert.deepEqual(
      await apply(false, 'poll'),
      { changed: 0, status: 'DOWN' },
      'a failure resets the successes',
    );
    assert.deepEqual(await apply(true, 'poll'), { changed: 0, status: 'DOWN' });
    assert.deepEqual(await apply(true, 'poll'), { changed: 1, status: 'UP' });
    assert.equal(await redis.client.get(RedisKeys.healthRevision), '3');
  });

  it('goes DOWN on one failed probe of a suspect-triggered or manual round, whatever fall says', async () => {
    await apply(true, 'poll');
    assert.deepEqual(await apply(false, 'suspect'), { changed: 1, status: 'DOWN' });
    await redis.client.set(RedisKeys.healthStatus(IP), 'UP');
    assert.deepEqual(await apply(false, 'manual'), { changed: 1, status: 'DOWN' });
  });

  it('drops a result older than the last applied, and a result for a removed node', async () => {
    await apply(true, 'poll', { at: 5_000 });
    const late = (await applyProbeResultScript.run(
      redis.client,
      [
        RedisKeys.nodes,
        RedisKeys.healthStatus(IP),
        RedisKeys.healthDetail(IP),
        RedisKeys.healthRevision,
      ],
      [
        IP,
        0,
        4_000,
        3,
        'connection refused',
        1,
        1,
        'suspect',
        '',
        'test',
        RedisChannels.healthChanges,
      ],
    )) as number[];
    assert.deepEqual(late, [-2]);
    assert.equal(await redis.client.get(RedisKeys.healthStatus(IP)), 'UP');
    await redis.client.hdel(RedisKeys.nodes, IP);
    await redis.client.del(RedisKeys.healthStatus(IP), RedisKeys.healthDetail(IP));
    const gone = (await applyProbeResultScript.run(
      redis.client,
      [
        RedisKeys.nodes,
        RedisKeys.healthStatus(IP),
        RedisKeys.healthDetail(IP),
        RedisKeys.healthRevision,
      ],
      [
        IP,
        0,
        6_000,
        3,
        'connection refused',
        1,
        1,
        'suspect',
        '',
        'test',
        RedisChannels.healthChanges,
      ],
    )) as number[];
    assert.deepEqual(gone, [-1]);
    assert.equal(
      await redis.client.exists(RedisKeys.healthStatus(IP), RedisKeys.healthDetail(IP)),
      0,
      'a removed node is not resurrected',
    );
  });

  it('flips exactly once when many replicas apply the same failure at once', async () => {
    await apply(true, 'poll');
    const at = (time += 10);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => apply(false, 'suspect', { at })),
    );
    assert.equal(replies.filter((reply) => reply.changed === 1).length, 1);
    assert.equal(await redis.client.get(RedisKeys.healthStatus(IP)), 'DOWN');
  });
});
