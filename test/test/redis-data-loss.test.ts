import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { Registrar } from '@gateway/sdk';
import { RedisKeys } from '@gateway/shared';
import {
  APPLY_SCRIPT,
  freePort,
  generateSshKey,
  serviceEntry,
  startGatewayNode,
  startRedisServer,
  startServiceProcess,
  tempDir,
  waitFor,
  type GatewayNode,
  type RedisServerHandle,
  type ServiceProcess,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';

const ADMIN_TOKEN = 'loss-admin-token-0123456789';
const CORE_TOKEN = 'loss-core-token-0123456789';
const TOKENS = `admin:${ADMIN_TOKEN},core:${CORE_TOKEN}`;
const auth = (token: string) => ({
  '*': { metadata: Metadata({ authorization: `Bearer ${token}` }) },
});

type Backend = { port: number; name: string; server: Server };
async function startBackend(name: string): Promise<Backend> {
  const port = await freePort();
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end(name);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, name, server };
}

const countServers = (text: string) => (text.match(/^\s*server\s/gm) ?? []).length;

/**
 * Redis loses everything (FLUSHALL; then, separately, a restart of redis-server without
 * persistence) under a stack like `npm start`'s: redis, the three services as their own
 * processes, two gateway nodes (nginx + sshd + the apply script), SDK registrars. With no
 * operator action the declared inventory returns (health reconcile), the registrars'
 * instances return (heartbeat NOT_FOUND → Register, a new store epoch), a new
 * registration is served through both nodes, and no node ever runs a config that dropped
 * most of its servers (the new-epoch drop guard, checked on each node's journal and by
 * sampling its live file all along).
 */
describe('recovery from a Redis data loss, with no operator action', { timeout: 240_000 }, () => {
  let redis: RedisServerHandle;
  let redisPort: number;
  const nodes: GatewayNode[] = [];
  const services: ServiceProcess[] = [];
  const channels: Channel[] = [];
  const backends: Backend[] = [];
  const registrars: Registrar[] = [];
  const alerts: Array<Record<string, unknown>> = [];
  let alertServer: Server;
  let registryAddress: string;
  let push: ReturnType<typeof createClient<typeof ConfigPushServiceDefinition>>;
  let registry: ReturnType<typeof createClient<typeof RegistryServiceDefinition>>;
  /** Lowest `server` count each node's live file showed per episode (sampled every 50 ms). */
  const lowest = new Map<string, number>();
  let sampler: NodeJS.Timeout | undefined;
  const refused = new Set<string>();

  const startRegistrar = async (group: string, name: string, fast: boolean) => {
    const backend = await startBackend(name);
    backends.push(backend);
    const registrar = Registrar({
      registries: [registryAddress],
      token: CORE_TOKEN,
      instance: { group, host: '127.0.0.1', port: backend.port },
      // Two come back within a second of the loss, the others only at their next heartbeat.
      leaseSeconds: fast ? 6 : 30,
      heartbeatIntervalMs: fast ? 500 : 6_000,
      callTimeoutMs: 1_000,
    });
    registrar.start();
    registrars.push(registrar);
    return backend;
  };

  const instanceCount = async () => await redis.client.hlen(RedisKeys.instances);
  const served = async (node: GatewayNode, group: string) => {
    const response = await fetch(`${node.nginx.url}/`, {
      headers: { connection: 'close', 'x-gateway-group': group },
      signal: AbortSignal.timeout(3_000),
    });
    return await response.text();
  };

  beforeAll(async () => {
    const key = generateSshKey();
    redis = await startRedisServer();
    redisPort = redis.port;
    for (const ip of ['127.0.0.2', '127.0.0.3'])
      nodes.push(await startGatewayNode(ip, key.publicKey));
    const alertPort = await freePort();
    alertServer = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        alerts.push(JSON.parse(body) as Record<string, unknown>);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => alertServer.listen(alertPort, '127.0.0.1', resolve));
    const common = { REDIS_URL: redis.url, GATEWAY_TOKENS: TOKENS, LOG_LEVEL: 'warn' };
    const registryProcess = await startServiceProcess({
      name: 'registry',
      entry: serviceEntry('registry'),
      env: { ...common, REGISTRY_REVISION_POLL_INTERVAL: '500ms', ...LOOPBACK_INSTANCES_ENV },
    });
    services.push(registryProcess);
    registryAddress = registryProcess.address;
    services.push(
      await startServiceProcess({
        name: 'health',
        entry: serviceEntry('health'),
        env: {
          ...common,
          HEALTH_NODES: JSON.stringify(nodes.map((node) => node.spec())),
          HEALTH_INVENTORY_RECONCILE_INTERVAL: '1s',
          HEALTH_POLL_INTERVAL: '2s',
          HEALTH_PROBE_CONNECT_TIMEOUT: '300ms',
          HEALTH_PROBE_TIMEOUT: '500ms',
        },
      }),
    );
    const pushProcess = await startServiceProcess({
      name: 'config-push',
      entry: serviceEntry('config-push'),
      env: {
        ...common,
        LOG_LEVEL: process.env['DEBUG_LOSS'] ? 'info' : 'warn',
        CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
        CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
        CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
        CONFIG_PUSH_WAIT_MIN: '150ms',
        CONFIG_PUSH_WAIT_MAX: '600ms',
        CONFIG_PUSH_REVISION_POLL_INTERVAL: '500ms',
        CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '2s',
        CONFIG_PUSH_NODE_TIMEOUT: '8s',
        CONFIG_PUSH_RETRY_MIN: '500ms',
        CONFIG_PUSH_RETRY_MAX: '2s',
        CONFIG_PUSH_LEASE_TTL: '3s',
        CONFIG_PUSH_DROP_GUARD_SETTLE: '60s',
        CONFIG_PUSH_ALERT_WEBHOOK_URL: `http://127.0.0.1:${alertPort}/alerts`,
      },
    });
    services.push(pushProcess);
    const pushChannel = createChannel(pushProcess.address);
    const registryChannel = createChannel(registryAddress);
    channels.push(pushChannel, registryChannel);
    push = createClient(ConfigPushServiceDefinition, pushChannel, auth(ADMIN_TOKEN));
    registry = createClient(RegistryServiceDefinition, registryChannel, auth(ADMIN_TOKEN));

    for (let i = 0; i < 6; i++) await startRegistrar('default', `core-${i}`, i < 2);
    for (const node of nodes)
      await waitFor(
        `${node.ip} to run the six instances`,
        () => countServers(readFileSync(node.livePath, 'utf8')) === 6,
        { timeoutMs: 30_000 },
      );
    sampler = setInterval(() => {
      for (const node of nodes) {
        const servers = countServers(readFileSync(node.livePath, 'utf8'));
        lowest.set(node.ip, Math.min(lowest.get(node.ip) ?? servers, servers));
      }
      if (redis.client.status === 'ready')
        void redis.client.hvals(RedisKeys.pushLastResult).then(
          (values) => {
            for (const value of values) {
              const attempt = JSON.parse(value) as {
                outcome: string;
                ip: string;
                revision: number;
              };
              if (attempt.outcome === 'REFUSED') refused.add(`${attempt.ip}@${attempt.revision}`);
            }
          },
          () => undefined,
        );
    }, 50);
  });

  afterAll(async () => {
    if (sampler) clearInterval(sampler);
    if (process.env['DEBUG_LOSS']) {
      for (const service of services) console.log(service.process.output().slice(-6000));
      for (const node of nodes) console.log(node.ip, JSON.stringify(node.journal().slice(-12)));
    }
    await Promise.allSettled(registrars.map((registrar) => registrar.stop()));
    for (const channel of channels) channel.close();
    for (const service of services.reverse()) await service.stop(3_000).catch(() => undefined);
    for (const node of nodes) await node.stop();
    await redis?.stop();
    for (const backend of backends) backend.server.close();
    alertServer?.close();
  });

  /** Waits for the recovery after `lost` and checks what the nodes ran meanwhile. */
  async function recovers(episode: string, lost: number, expected: number, fresh: string) {
    const baseline = expected;
    await waitFor(
      'the declared inventory to return',
      async () => (await redis.client.hlen(RedisKeys.nodes)) === 2,
      {
        timeoutMs: 30_000,
        intervalMs: 50,
      },
    );
    const inventoryMs = Date.now() - lost;
    await waitFor(
      "the registrars' instances to return",
      async () => (await instanceCount()) === expected,
      {
        timeoutMs: 30_000,
        intervalMs: 50,
      },
    );
    const instancesMs = Date.now() - lost;
    const registeredAt = Date.now();
    const backend = await startRegistrar(fresh, `${fresh}-core`, true);
    for (const node of nodes)
      await waitFor(
        `${node.ip} to serve the new registration`,
        async () => (await served(node, fresh)) === backend.name,
        {
          timeoutMs: 60_000,
          intervalMs: 100,
        },
      );
    const servedMs = Date.now() - registeredAt;
    console.log(
      `[figure] ${episode}: inventory back in ${inventoryMs} ms, ${expected} instances back in ${instancesMs} ms, a new registration served through both nodes ${servedMs} ms after it started (${Date.now() - lost} ms after the loss); pushes held back by the new-epoch guard so far: ${refused.size}`,
    );
    // No node ever ran a config that dropped most of its servers: journal and sampled live file.
    for (const node of nodes) {
      // nginx serves the new config as soon as the reload is confirmed, a moment before the journal line.
      await waitFor(`${node.ip}'s journal to record the new epoch`, () =>
        node.journal().some((entry) => entry.time * 1000 >= lost && entry.outcome === 'applied'),
      );
      const applied = node
        .journal()
        .filter(
          (entry) => entry.time * 1000 >= lost && ['applied', 'unchanged'].includes(entry.outcome),
        );
      assert.ok(applied.length > 0, `${node.ip} applied the new epoch`);
      for (const entry of applied)
        assert.ok(
          entry.servers * 2 >= baseline,
          `${node.ip} applied revision ${entry.revision} of epoch ${entry.epoch} with ${entry.servers} of ${baseline} servers`,
        );
      assert.ok(
        (lowest.get(node.ip) ?? 0) * 2 >= baseline,
        `${node.ip}'s live file fell to ${lowest.get(node.ip)} servers`,
      );
      console.log(
        `[figure] ${episode}: ${node.ip} applied ${applied.length} configs after the loss, fewest servers ${Math.min(...applied.map((entry) => entry.servers))} of ${baseline}`,
      );
      lowest.delete(node.ip);
    }
  }

  it('after FLUSHALL the inventory, the instances and routing return, under a new store epoch, and an alert says so', async () => {
    const before = await push.getPushStatus({});
    assert.notEqual(before.epoch, '');
    const lost = Date.now();
    await redis.client.flushall();
    await recovers('FLUSHALL', lost, 6, 'fresh-one');
    const after = await push.getPushStatus({});
    assert.notEqual(after.epoch, before.epoch, 'a new store epoch');
    assert.equal(
      (await registry.listInstances({ group: '', pageSize: 0, pageToken: '' })).epoch,
      after.epoch,
    );
    assert.ok(after.nodes.every((node) => node.appliedEpoch === after.epoch));
    await waitFor(
      'the new-epoch alert',
      () => alerts.some((alert) => alert['kind'] === 'store_epoch_changed'),
      {
        timeoutMs: 10_000,
      },
    );
  });

  it('after a restart of redis-server without persistence the same happens with no operator action', async () => {
    const before = await push.getPushStatus({});
    const lost = Date.now();
    await redis.stop();
    redis = await startRedisServer({ port: redisPort });
    await recovers('restart without data', lost, 7, 'fresh-two');
    const after = await push.getPushStatus({});
    assert.notEqual(after.epoch, before.epoch, 'a new store epoch');
    assert.ok(after.nodes.every((node) => node.appliedEpoch === after.epoch));
  });
});
