import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Redis } from 'ioredis';
import { createChannel, createClient, Status } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { RedisChannels, RedisKeys } from '@gateway/shared';
import { isRunning, startServiceProcess, waitFor, type ServiceProcess } from '@gateway/testkit';
import {
  ADMIN_TOKEN,
  bearer,
  CONFIG_PUSH_ENTRY,
  configPushEnv,
  startPushWorld,
  type PushWorld,
} from './support/push-fixture.js';

const BURSTS = 6;
const PER_BURST = 50;
const LEASE_TTL_MS = 3_000;

/**
 * Two config-push replicas as separate processes, 300 registrations
 * in bursts; the leader is paused (a stalled leader that wakes up late) and later
 * killed. Every node ends at the final revision, reloads stay few, and neither the
 * node-side journal nor the published results ever show a node going back.
 */
describe('config-push: two replicas, one pusher at a time, never backwards', () => {
  let world: PushWorld;
  const replicas = new Map<string, ServiceProcess>();
  let listener: Redis;
  const published: Array<{
    ip: string;
    outcome: string;
    revision: number;
    replica: string;
    fence: number;
  }> = [];
  beforeAll(async () => {
    world = await startPushWorld();
    listener = new Redis(world.redis.url);
    await listener.subscribe(RedisChannels.pushResults);
    listener.on('message', (_channel: string, message: string) =>
      published.push(JSON.parse(message) as (typeof published)[number]),
    );
    for (const name of ['replica-a', 'replica-b']) {
      replicas.set(
        name,
        await startServiceProcess({
          name,
          entry: CONFIG_PUSH_ENTRY,
          env: configPushEnv(world.redis.url, world.privateKeyPath, {
            CONFIG_PUSH_REPLICA_ID: name,
            CONFIG_PUSH_LEASE_TTL: `${LEASE_TTL_MS}ms`,
            LOG_LEVEL: 'info',
          }),
        }),
      );
    }
  });
  afterAll(async () => {
    for (const replica of replicas.values()) {
      try {
        process.kill(replica.process.pid, 'SIGCONT');
      } catch {
        // gone
      }
      await replica.stop();
    }
    listener?.disconnect();
    await world?.close();
  });

  const leader = async () => (await world.redis.client.get(RedisKeys.pushLeader))?.split('|')[0];
  const registryRevision = async () =>
    Number(await world.redis.client.get(RedisKeys.instancesRevision));
  const burst = async (index: number) => {
    await Promise.all(
      Array.from({ length: PER_BURST }, (_, i) =>
        world.register('default', 20_000 + index * PER_BURST + i),
      ),
    );
    return await registryRevision();
  };
  const nodesAt = (revision: number, timeoutMs: number) =>
    waitFor(
      `both nodes to apply revision ${revision}`,
      () => world.nodes.every((node) => node.appliedRevisions().at(-1) === revision),
      { timeoutMs, intervalMs: 50 },
    );

  it('300 registrations in bursts through a stalled and a killed leader', async () => {
    const first = await waitFor('a leader', leader, { timeoutMs: 10_000 });
    const follower = [...replicas.keys()].find((name) => name !== first)!;
    const followerChannel = createChannel(replicas.get(follower)!.address);
    try {
      const followerClient = createClient(ConfigPushServiceDefinition, followerChannel, {
        '*': bearer(ADMIN_TOKEN),
      });
      await assert.rejects(
        followerClient.pushNow({ force: false, nodeIp: '' }),
        (error: Error & { code?: number; details?: string }) =>
          error.code === Status.FAILED_PRECONDITION &&
          (error.details ?? '').includes(`call the lease holder ${first}`),
      );
      assert.equal(
        (await followerClient.getPushStatus({})).leader.split('|')[0],
        first,
        'every replica answers status',
      );
    } finally {
      followerChannel.close();
    }
    const started = performance.now();
    let revision = await burst(0);
    await nodesAt(revision, 15_000);
    console.log(
      `[figure] first burst of ${PER_BURST} → both nodes: ${Math.round(performance.now() - started)} ms`,
    );
    revision = await burst(1);
    await nodesAt(revision, 15_000);

    // A leader that stalls (SIGSTOP) right after a burst, while it debounces or pushes.
    revision = await burst(2);
    const stalled = replicas.get(first)!;
    process.kill(stalled.process.pid, 'SIGSTOP');
    const stalledAt = performance.now();
    const second = await waitFor(
      'the other replica to take over',
      async () => {
        const current = await leader();
        return current !== undefined && current !== first ? current : undefined;
      },
      { timeoutMs: LEASE_TTL_MS * 4 },
    );
    console.log(
      `[figure] takeover from a stalled leader: ${Math.round(performance.now() - stalledAt)} ms (lease ${LEASE_TTL_MS} ms)`,
    );
    await nodesAt(revision, 15_000);
    revision = await burst(3);
    await nodesAt(revision, 15_000);
    process.kill(stalled.process.pid, 'SIGCONT');
    // It wakes up late with whatever it was doing: it must notice it lost the lease.
    await waitFor(
      'the stalled replica to notice it lost the lease',
      () => /lost the push lease/.test(stalled.process.output()),
      { timeoutMs: LEASE_TTL_MS * 2 },
    );

    // The new leader dies: the other (the one that stalled) takes over within the lease time.
    const killed = replicas.get(second)!;
    await killed.process.stop('SIGKILL');
    const killedAt = performance.now();
    await waitFor('the surviving replica to take over', async () => (await leader()) === first, {
      timeoutMs: LEASE_TTL_MS * 3,
      intervalMs: 20,
    });
    const takeoverMs = Math.round(performance.now() - killedAt);
    console.log(
      `[figure] takeover after the leader was killed: ${takeoverMs} ms (lease ${LEASE_TTL_MS} ms)`,
    );
    assert.ok(
      takeoverMs <= LEASE_TTL_MS + 1_000,
      `takeover within the lease time (${takeoverMs} ms)`,
    );
    revision = await burst(4);
    revision = await burst(5);
    await nodesAt(revision, 20_000);
    console.log(
      `[figure] all ${BURSTS * PER_BURST} registrations applied in ${Math.round(performance.now() - started)} ms`,
    );

    assert.equal(revision, await registryRevision());
    assert.ok(isRunning(stalled.process));
    const files = world.nodes.map((node) => readFileSync(node.livePath));
    assert.ok(files[0].equals(files[1]), 'identical files');
    assert.equal((files[0].toString().match(/^\s+server /gm) ?? []).length, BURSTS * PER_BURST);

    for (const node of world.nodes) {
      const journal = node.journal();
      const applied = node.appliedRevisions();
      for (let i = 1; i < applied.length; i++)
        assert.ok(
          applied[i] >= applied[i - 1],
          `${node.ip} went from ${applied[i - 1]} back to ${applied[i]}`,
        );
      assert.equal(applied.at(-1), revision);
      const refusedStale = journal.filter(
        (entry) => entry.outcome !== 'applied' && entry.outcome !== 'unchanged',
      ).length;
      const seen = published.filter(
        (entry) =>
          entry.ip === node.ip && (entry.outcome === 'APPLIED' || entry.outcome === 'UNCHANGED'),
      );
      for (let i = 1; i < seen.length; i++)
        assert.ok(
          seen[i].revision >= seen[i - 1].revision,
          `${node.ip}: published results went back`,
        );
      const fences = [...new Set(seen.map((entry) => `${entry.replica}|${entry.fence}`))];
      console.log(
        `[figure] ${node.ip}: ${node.reloadCount()} nginx reloads for ${BURSTS * PER_BURST} registrations; journal ${journal.length} lines (${journal.filter((entry) => entry.outcome === 'applied').length} applied, ${refusedStale} other), applied revisions ${applied.join(',')}; pushed by ${fences.join(', ')}`,
      );
      assert.ok(node.reloadCount() <= 40, `few reloads on ${node.ip}: ${node.reloadCount()}`);
    }
    const channel = createChannel(replicas.get(first)!.address);
    const status = await createClient(ConfigPushServiceDefinition, channel, {
      '*': bearer(ADMIN_TOKEN),
    }).getPushStatus({});
    channel.close();
    assert.equal(status.desiredRevision, revision);
    assert.ok(status.nodes.every((node) => node.appliedRevision === revision));

    // SIGTERM: the holder drains and gives the lease up at once (no waiting for the TTL).
    const exit = await replicas.get(first)!.stop();
    assert.equal(exit.code, 0);
    assert.equal(await world.redis.client.get(RedisKeys.pushLeader), null);
  });
});
