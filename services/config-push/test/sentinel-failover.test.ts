import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Redis } from 'ioredis';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import {
  generateSshKey,
  serviceEntry,
  startGatewayNode,
  startSentinelTopology,
  startServiceProcess,
  waitFor,
  type GatewayNode,
  type SentinelTopology,
  type ServiceProcess,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { addNodeToInventory, setNodeStatus } from './support/node-state.js';
import {
  ADMIN_TOKEN,
  bearer,
  CONFIG_PUSH_ENTRY,
  configPushEnv,
  REGISTRY_ENTRY,
  TOKENS_ENV,
  type RegistryClient,
} from './support/push-fixture.js';

describe('config-push through a Sentinel failover while registrations flow', () => {
  let topology: SentinelTopology;
  const processes: ServiceProcess[] = [];
  const nodes: GatewayNode[] = [];
  let channel: Channel;
  let registry: RegistryClient;
  let switchEars: Redis[] = [];
  const switches: number[] = [];
  let nextPort = 20_000;
  let lastRevision = 0;
  let lastRegisteredAt = 0;

  beforeAll(async () => {
    topology = await startSentinelTopology({ replicas: 2, sentinels: 3 });
    await topology.settled();
    switchEars = topology.sentinels.map((sentinel) => {
      const ear = new Redis({ host: '127.0.0.1', port: sentinel.port, maxRetriesPerRequest: null });
      ear.on('error', () => undefined);
      ear.on('message', () => switches.push(Date.now()));
      return ear;
    });
    await Promise.all(switchEars.map((ear) => ear.subscribe('+switch-master')));
    const sentinelEnv = {
      REDIS_SENTINELS: topology.sentinelList,
      REDIS_SENTINEL_MASTER: topology.masterName,
      LOG_LEVEL: 'warn',
    };
    const url = 'redis://sentinel-resolves-this:6379';
    const key = generateSshKey();
    const master = await topology.master();
    for (const ip of ['127.0.0.2', '127.0.0.3']) {
      const node = await startGatewayNode(ip, key.publicKey);
      nodes.push(node);
      await addNodeToInventory(master.client, node.spec());
      await setNodeStatus(master.client, ip, 'UP');
    }
    processes.push(
      await startServiceProcess({
        name: 'registry',
        entry: REGISTRY_ENTRY,
        env: {
          REDIS_URL: url,
          GATEWAY_TOKENS: TOKENS_ENV,
          REGISTRY_LEASE_MAX: '1h',
          ...LOOPBACK_INSTANCES_ENV,
          REDIS_WAIT_REPLICAS: '1',
          ...sentinelEnv,
        },
      }),
    );
    processes.push(
      await startServiceProcess({
        name: 'health',
        entry: serviceEntry('health'),
        env: {
          REDIS_URL: url,
          GATEWAY_TOKENS: TOKENS_ENV,
          HEALTH_POLL_INTERVAL: '1s',
          ...sentinelEnv,
        },
      }),
    );
    for (const name of ['config-push-a', 'config-push-b'])
      processes.push(
        await startServiceProcess({
          name,
          entry: CONFIG_PUSH_ENTRY,
          env: { ...configPushEnv(url, key.privateKeyPath), ...sentinelEnv },
        }),
      );
    channel = createChannel(processes[0].address);
    registry = createClient(RegistryServiceDefinition, channel, { '*': bearer(ADMIN_TOKEN) });
  }, 120_000);

  afterAll(async () => {
    channel?.close();
    for (const ear of switchEars) ear.disconnect();
    await Promise.all(processes.map((process) => process.stop()));
    for (const node of nodes) await node.stop();
    await topology?.stop();
  });

  /** Registers one more instance; retries (as a registrar does) until acknowledged. */
  const registerOne = async () => {
    const port = nextPort++;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const response = await registry.register(
          {
            instance: {
              group: 'default',
              host: '127.0.0.1',
              port,
              weight: 1,
              backup: false,
              adminState: 0,
              metadata: {},
            },
            leaseDuration: { seconds: 3600, nanos: 0 },
          },
          { signal: AbortSignal.timeout(2_000) },
        );
        lastRevision = Math.max(lastRevision, response.revision);
        lastRegisteredAt = Date.now();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`Register of port ${port} never acknowledged`);
  };

  const failOver = async (kind: string, trigger: () => Promise<void>) => {
    await registerOne();
    await waitFor(
      'both nodes at the latest revision before the failover',
      () => nodes.every((node) => node.appliedRevisions().includes(lastRevision)),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const since = Date.now();
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        await registerOne();
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    await trigger();
    const switchedAt = await waitFor(
      `Sentinel to switch the master (${kind})`,
      () => switches.find((time) => time >= since),
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    await waitFor('three more seconds of registrations', () => Date.now() >= switchedAt + 3_000, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    flowing = false;
    await flow;
    const listed = await registry.listInstances({
      group: 'default',
      pageSize: 1000,
      pageToken: '',
    });
    assert.equal(listed.revision, lastRevision, 'the store is at the last acknowledged revision');
    const converged = await waitFor(
      'both nodes to apply the latest revision',
      () =>
        nodes.every((node) => node.appliedRevisions().includes(lastRevision))
          ? Date.now()
          : undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    console.log(
      `[figure] config-push, ${kind} failover: +switch-master ${switchedAt - since} ms after the trigger; ` +
        `both nodes at the latest revision ${lastRevision} ${converged - switchedAt} ms after the switch, ` +
        `${converged - lastRegisteredAt} ms after its Register; applied revisions in order: ` +
        nodes.map((node) => isSorted(node.appliedRevisions())).join('/'),
    );
    for (const node of nodes)
      assert.ok(isSorted(node.appliedRevisions()), `node ${node.ip} applied revisions in order`);
    const master = await topology.master();
    for (const node of nodes) {
      await waitFor(
        `health to probe ${node.ip} on the new master`,
        async () =>
          Number(await master.client.hget(RedisKeys.healthDetail(node.ip), 'last_probe_time')) >
          switchedAt,
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      assert.equal(await master.client.get(RedisKeys.healthStatus(node.ip)), 'UP', `${node.ip} UP`);
    }
  };

  it('a graceful SENTINEL FAILOVER: both nodes end at the latest revision, health keeps them UP from the new master', async () => {
    await failOver('graceful', async () => {
      const client = new Redis({ host: '127.0.0.1', port: topology.sentinels[0].port });
      try {
        await client.call('SENTINEL', 'FAILOVER', topology.masterName);
      } finally {
        client.disconnect();
      }
    });
  }, 120_000);

  it('a hard failover (kill -9 of the master): both nodes end at the latest revision, health keeps them UP from the new master', async () => {
    await topology.settled(30_000);
    const master = await topology.master();
    await failOver('hard', async () => {
      await master.process.stop('SIGKILL');
    });
  }, 120_000);
});

function isSorted(revisions: readonly number[]): boolean {
  return revisions.every((revision, i) => i === 0 || revision >= revisions[i - 1]);
}
