import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { ChangeType, RegistryServiceDefinition } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import {
  startSentinelTopology,
  startServiceProcess,
  waitFor,
  type SentinelTopology,
  type ServiceProcess,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { InstanceFleet } from './support/instance-fleet.js';
import {
  bearer,
  REGISTRY_ENTRY,
  TOKENS,
  TOKENS_ENV,
  type RegistryClient,
} from './support/registry-fixture.js';
import { listenForSwitches, type SwitchListener } from './support/switch-listener.js';
import { ReplicaAckProbe } from './support/replica-ack-probe.js';
import { recordWatch, type WatchRecord } from './support/watch-record.js';
import { percentile, registerLatencies } from './support/register-latency.js';

const LEASE_SECONDS = 4;
const FLEET = 200;
const SWITCH_GRACE_MS = 500;

describe('registry under load through a Sentinel failover (master, 2 replicas, 3 Sentinels)', () => {
  let topology: SentinelTopology;
  let switches: SwitchListener;
  const registries: ServiceProcess[] = [];
  const channels: Channel[] = [];
  const clients: RegistryClient[] = [];
  let fleet: InstanceFleet;
  let watchers: WatchRecord[] = [];
  let registering: NodeJS.Timeout | undefined;
  let added = 0;

  const startRegistry = async (name: string, waitReplicas: number) => {
    const registry = await startServiceProcess({
      name,
      entry: REGISTRY_ENTRY,
      env: {
        REDIS_URL: 'redis://sentinel-resolves-this:6379',
        REDIS_SENTINELS: topology.sentinelList,
        REDIS_SENTINEL_MASTER: topology.masterName,
        GATEWAY_TOKENS: TOKENS_ENV,
        REDIS_WAIT_REPLICAS: String(waitReplicas),
        REDIS_WAIT_TIMEOUT: '500ms',
        LOG_LEVEL: 'warn',
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    registries.push(registry);
    const channel = createChannel(registry.address);
    channels.push(channel);
    return createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.admin) });
  };

  beforeAll(async () => {
    topology = await startSentinelTopology({ replicas: 2, sentinels: 3 });
    await topology.settled();
    switches = await listenForSwitches(topology.sentinels.map((sentinel) => sentinel.port));
    clients.push(await startRegistry('registry-a', 1), await startRegistry('registry-b', 1));
  }, 90_000);

  afterAll(async () => {
    clearInterval(registering);
    await fleet?.stop();
    await Promise.all(watchers.map((watcher) => watcher.collector.stop()));
    for (const channel of channels) channel.close();
    await Promise.all(registries.map((registry) => registry.stop()));
    switches?.close();
    await topology?.stop();
  });

  it('a Register acknowledged with REDIS_WAIT_REPLICAS=1 is on a replica when answered; latency with and without WAIT', async () => {
    const plain = await startRegistry('registry-no-wait', 0);
    const master = await topology.master();
    const replicas = topology.servers.filter((server) => server !== master);
    let checked = 0;
    const [withWait, withoutWait] = await registerLatencies(
      [clients[0], plain],
      300,
      async (index, id, revision) => {
        if (index !== 0 || checked >= 30) return;
        checked++;
        const copies = await Promise.all(
          replicas.map((replica) => replica.client.hget(RedisKeys.instances, id)),
        );
        assert.ok(
          copies.some(
            (json) =>
              json !== null && (JSON.parse(json) as { revision: number }).revision === revision,
          ),
          `revision ${revision} of ${id} is on a replica when Register answers`,
        );
      },
    );
    const figure = (samples: number[]) =>
      `p50 ${percentile(samples, 0.5).toFixed(2)} ms, p99 ${percentile(samples, 0.99).toFixed(2)} ms`;
    console.log(
      `[figure] Register with REDIS_WAIT_REPLICAS=1: ${figure(withWait)} (${withWait.length} calls)`,
    );
    console.log(
      `[figure] Register without WAIT: ${figure(withoutWait)} (${withoutWait.length} calls)`,
    );
    assert.equal(checked, 30);
  }, 60_000);

  it('a graceful SENTINEL FAILOVER loses nothing, reuses no revision and evicts no one', async () => {
    fleet = InstanceFleet({
      clients,
      leaseSeconds: LEASE_SECONDS,
      heartbeatMs: 1_333,
      callTimeoutMs: 2_000,
    });
    await Promise.all(
      Array.from({ length: FLEET }, (_, i) => fleet.add(`10.30.${i >> 8}.${i & 255}`, 80)),
    );
    watchers = clients.map((client) => recordWatch(client));
    registering = setInterval(() => {
      const n = added++;
      void fleet.add(`10.31.${n >> 8}.${n & 255}`, 80);
    }, 1_000);
    await failOverAndCheck('graceful', async () => {
      const sentinel = topology.sentinels[0];
      await sentinelCommand(sentinel.port, ['SENTINEL', 'FAILOVER', topology.masterName]);
    });
  }, 120_000);

  it('a hard failover (kill -9 of the master) loses nothing, reuses no revision and evicts no one', async () => {
    await topology.settled(30_000);
    const master = await topology.master();
    await failOverAndCheck('hard', async () => {
      await master.process.stop('SIGKILL');
    });
  }, 120_000);

  async function failOverAndCheck(kind: string, trigger: () => Promise<void>): Promise<void> {
    const oldMaster = await topology.master();
    const since = Date.now();
    const acks = ReplicaAckProbe(topology);
    await trigger();
    const switchedAt = await waitFor(
      `Sentinel to switch the master (${kind})`,
      () => switches.switchedAfter(since),
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    const newMaster = await topology.master();
    assert.notEqual(newMaster.port, oldMaster.port);
    if (kind === 'graceful') {
      await waitFor(
        'the demoted master to resync as a replica',
        async () => /role:slave/.test(await oldMaster.client.info('replication')),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    }
    // Keep the load on for one more lease after the switch (and the resync).
    const loadUntil = Date.now() + LEASE_SECONDS * 1_000 + 1_000;
    await waitFor('one more lease of load', () => Date.now() >= loadUntil, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });

    // A replica of the final master must acknowledge writes again; after a hard failover it
    // resyncs in full, which a loaded machine can take past the load window to finish.
    const heard = switches.switchesAfter(since);
    const lastSwitch = heard.at(-1)!;
    await waitFor(
      'a replica of the final master to acknowledge a write',
      () => acks.firstAfter(lastSwitch.time, lastSwitch.toPort) !== undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch(() => undefined);
    await acks.stop();
    const replicaAckAt = acks.firstAfter(lastSwitch.time, lastSwitch.toPort);
    assert.ok(replicaAckAt !== undefined, 'a replica of the final master acknowledges writes');
    const failures = fleet.outcomes.filter((outcome) => !outcome.ok && outcome.startedAt >= since);
    // A call may fail until half a second after the switch before it (a loaded machine can
    // see Sentinel fail over twice); a Register with WAIT also until a replica of that master
    // acknowledges.
    const lateFailures = failures.filter((outcome) => {
      const before = heard.filter((entry) => entry.time <= outcome.startedAt).at(-1);
      if (!before) return false;
      const ready =
        outcome.call === 'heartbeat'
          ? before.time
          : Math.max(before.time, acks.firstAfter(before.time, before.toPort) ?? Infinity);
      return outcome.startedAt > ready + SWITCH_GRACE_MS;
    });
    const calls = fleet.outcomes.filter((outcome) => outcome.startedAt >= since).length;
    const listed = await listIds(clients[0]);
    const missing = [...fleet.ids].filter((id) => !listed.has(id));
    const expired = watchers.flatMap((watcher) =>
      watcher.changes().filter((change) => change.type === ChangeType.CHANGE_TYPE_EXPIRED),
    );
    const conflicts = revisionConflicts();
    const stats = await (await topology.master()).client.info('stats');
    const syncs = ['sync_full', 'sync_partial_ok', 'sync_partial_err']
      .map((field) => `${field}=${new RegExp(`${field}:(\\d+)`).exec(stats)?.[1]}`)
      .join(' ');
    const firstFailure = failures[0]?.startedAt;
    const lastFailure = failures.at(-1)?.startedAt;
    console.log(
      `[figure] ${kind} failover: +switch-master ${switchedAt - since} ms after the trigger` +
        (heard.length > 1
          ? ` (then ${heard.length - 1} more switch(es), the last after ${lastSwitch.time - since} ms)`
          : '') +
        `, a replica of the final master acknowledging ${replicaAckAt - lastSwitch.time} ms after its switch; ` +
        `${failures.length} failed of ${calls} calls, ` +
        (failures.length
          ? `failing calls started ${firstFailure - switchedAt}..${lastFailure! - switchedAt} ms around the switch; `
          : '') +
        `${fleet.acknowledged.length} acknowledged Register revisions, ${fleet.ids.size} instances acknowledged, ` +
        `${listed.size} listed, ${missing.length} missing, ${expired.length} evicted, ` +
        `${conflicts.length} reused revisions, snapshots per watcher ${watchers.map((w) => w.snapshots()).join('/')}; ` +
        `new master ${syncs}`,
    );
    if (lateFailures.length > 0)
      for (const registry of registries)
        console.log(`${registry.process.name} log:\n${registry.process.output().slice(-6_000)}`);
    assert.deepEqual(missing, [], 'every acknowledged registration is present');
    assert.deepEqual(
      lateFailures,
      [],
      `no call fails later than ${SWITCH_GRACE_MS} ms after +switch-master (a Register: after a replica acknowledges)`,
    );
    assert.deepEqual(expired, [], 'no instance evicted');
    assert.deepEqual(conflicts, [], 'no revision handed out twice');
    for (const [i, watcher] of watchers.entries()) {
      assert.deepEqual(watcher.backwards(), [], `watcher ${i} never goes back in revision`);
      await waitFor(
        `watcher ${i} to hold exactly what ListInstances lists`,
        async () => sameIds(watcher.state(), await listIds(clients[0])),
        { timeoutMs: 10_000, intervalMs: 200 },
      );
    }
  }

  /** Revisions that two sources (acknowledged Registers, watch streams) tie to different changes. */
  function revisionConflicts(): string[] {
    const seen = new Map<number, string>();
    const conflicts: string[] = [];
    const note = (revision: number, what: string) => {
      const before = seen.get(revision);
      if (before === undefined) seen.set(revision, what);
      else if (before !== what) conflicts.push(`${revision}: ${before} vs ${what}`);
    };
    for (const { id, revision } of fleet.acknowledged) note(revision, id);
    for (const watcher of watchers)
      for (const change of watcher.changes())
        note(
          change.revision,
          change.type === ChangeType.CHANGE_TYPE_EXPIRED ||
            change.type === ChangeType.CHANGE_TYPE_DEREGISTERED
            ? `-${change.id}`
            : change.id,
        );
    return conflicts;
  }
});

async function listIds(client: RegistryClient): Promise<Set<string>> {
  const ids = new Set<string>();
  let pageToken = '';
  for (let page = 0; page < 100; page++) {
    const response = await client.listInstances({ group: 'fleet', pageSize: 1000, pageToken });
    for (const instance of response.instances) ids.add(instance.id);
    pageToken = response.nextPageToken;
    if (!pageToken) break;
  }
  return ids;
}

function sameIds(watched: Set<string>, listed: Set<string>): boolean {
  const fleetOnly = [...watched].filter((id) => id.startsWith('fleet/'));
  return fleetOnly.length === listed.size && fleetOnly.every((id) => listed.has(id));
}

async function sentinelCommand(port: number, args: string[]): Promise<unknown> {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
  try {
    return await client.call(args[0], ...args.slice(1));
  } finally {
    client.disconnect();
  }
}
