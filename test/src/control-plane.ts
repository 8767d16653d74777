import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import type { NodeSpecData } from '@gateway/shared';
import {
  DEPLOY_DIR,
  freePort,
  startRedisServer,
  startServiceProcess,
  tempDir,
  type RedisServerHandle,
  type ServiceProcess,
  serviceEntry,
} from '@gateway/testkit';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const CORE_TOKEN = 'e2e-core-token-0123456789';
export const SDK_TOKEN = 'e2e-sdk-token-0123456789';
const TOKENS = `admin:${ADMIN_TOKEN},core:${CORE_TOKEN},sdk:${SDK_TOKEN}`;

/** One alert the health service POSTed to the test's webhook receiver. */
export type ReceivedAlert = { readonly at: number; readonly body: Record<string, unknown> };

export type ControlPlane = {
  readonly redis: RedisServerHandle;
  readonly registries: ServiceProcess[];
  readonly healths: ServiceProcess[];
  readonly pushers: ServiceProcess[];
  readonly alerts: ReceivedAlert[];
  /**
   * Starts a replica again after it died (same name, address and settings) and puts the new
   * process in its place in `registries` / `healths` / `pushers`.
   */
  restart(replica: ServiceProcess): Promise<ServiceProcess>;
  registryClient(replica: ServiceProcess): Client<typeof RegistryServiceDefinition>;
  healthClient(replica: ServiceProcess): Client<typeof NodeHealthServiceDefinition>;
  pushClient(replica: ServiceProcess): Client<typeof ConfigPushServiceDefinition>;
  close(): Promise<void>;
};

/**
 * The center, as it runs in production but on one machine: a real redis-server, two
 * replicas of each service as their own processes (compiled entries), a webhook
 * receiver for the health alerts. The health replicas listen on `healthHost` (the
 * test network's root address) so the client namespace can report suspects to them.
 */
export async function startControlPlane(options: {
  healthHost: string;
  nodes: readonly NodeSpecData[];
  /** SSH private key config-push logs in with (its public half is authorised on the nodes). */
  privateKeyPath: string;
}): Promise<ControlPlane> {
  const channels: Channel[] = [];
  const alerts: ReceivedAlert[] = [];
  const receiverPort = await freePort();
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        alerts.push({ at: Date.now(), body: JSON.parse(body) as Record<string, unknown> });
      } catch {
        alerts.push({ at: Date.now(), body: { unparsable: body } });
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));

  const redis = await startRedisServer();
  const common = { REDIS_URL: redis.url, GATEWAY_TOKENS: TOKENS, LOG_LEVEL: 'warn' };
  const registries: ServiceProcess[] = [];
  const healths: ServiceProcess[] = [];
  const pushers: ServiceProcess[] = [];
  type StartOptions = Parameters<typeof startServiceProcess>[0];
  const started = new Map<ServiceProcess, { options: StartOptions; list: ServiceProcess[] }>();
  const start = async (list: ServiceProcess[], options: StartOptions) => {
    const replica = await startServiceProcess(options);
    const [host, port] = [
      replica.address.slice(0, replica.address.lastIndexOf(':')),
      Number(replica.address.slice(replica.address.lastIndexOf(':') + 1)),
    ];
    started.set(replica, { options: { ...options, host, port }, list });
    return replica;
  };
  for (let i = 1; i <= 2; i++) {
    registries.push(
      await start(registries, {
        name: `registry-${i}`,
        entry: serviceEntry('registry'),
        env: { ...common },
      }),
    );
  }
  for (let i = 1; i <= 2; i++) {
    healths.push(
      await start(healths, {
        name: `health-${i}`,
        entry: serviceEntry('health'),
        host: options.healthHost,
        env: {
          ...common,
          HEALTH_REPLICA_ID: `health-${i}`,
          // Long enough that the SDK's suspect report, not the poll, usually finds the dead node first.
          HEALTH_POLL_INTERVAL: '5s',
          HEALTH_PROBE_CONNECT_TIMEOUT: '500ms',
          HEALTH_PROBE_TIMEOUT: '1s',
          HEALTH_NODES: JSON.stringify(options.nodes),
          HEALTH_ALERT_WEBHOOK_URLS: `http://127.0.0.1:${receiverPort}/alerts`,
          HEALTH_ALERT_RETRY_BACKOFF: '100ms',
        },
      }),
    );
  }
  const knownHosts = join(tempDir('known-hosts'), 'known_hosts');
  for (let i = 1; i <= 2; i++) {
    pushers.push(
      await start(pushers, {
        name: `config-push-${i}`,
        entry: serviceEntry('config-push'),
        env: {
          ...common,
          CONFIG_PUSH_REPLICA_ID: `config-push-${i}`,
          CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: options.privateKeyPath,
          CONFIG_PUSH_KNOWN_HOSTS_FILE: knownHosts,
          // Tests run as root: the node-side script is run directly (production: through sudo, see docs/deployment.md).
          CONFIG_PUSH_REMOTE_COMMAND: join(DEPLOY_DIR, 'config-push', 'gateway-nginx-apply'),
          CONFIG_PUSH_WAIT_MIN: '150ms',
          CONFIG_PUSH_WAIT_MAX: '600ms',
          CONFIG_PUSH_REVISION_POLL_INTERVAL: '500ms',
          CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '2s',
          CONFIG_PUSH_NODE_TIMEOUT: '8s',
          CONFIG_PUSH_RETRY_MIN: '500ms',
          CONFIG_PUSH_RETRY_MAX: '2s',
          CONFIG_PUSH_LEASE_TTL: '3s',
          CONFIG_PUSH_ALERT_WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/alerts`,
        },
      }),
    );
  }
  const auth = (token: string) => ({
    '*': { metadata: Metadata({ authorization: `Bearer ${token}` }) },
  });
  const channelTo = (replica: ServiceProcess) => {
    const channel = createChannel(replica.address);
    channels.push(channel);
    return channel;
  };
  return {
    redis,
    registries,
    healths,
    pushers,
    alerts,
    async restart(replica) {
      const entry = started.get(replica);
      if (!entry) throw new Error(`${replica.address} was not started by this control plane`);
      await replica.stop(3_000);
      // A node process loads slowly on a busy machine: a restart gets longer than a first start.
      const next = await start(entry.list, { ...entry.options, timeoutMs: 60_000 });
      entry.list[entry.list.indexOf(replica)] = next;
      started.delete(replica);
      return next;
    },
    registryClient: (replica) =>
      createClient(RegistryServiceDefinition, channelTo(replica), auth(CORE_TOKEN)),
    healthClient: (replica) =>
      createClient(NodeHealthServiceDefinition, channelTo(replica), auth(ADMIN_TOKEN)),
    pushClient: (replica) =>
      createClient(ConfigPushServiceDefinition, channelTo(replica), auth(ADMIN_TOKEN)),
    async close() {
      for (const channel of channels) channel.close();
      for (const replica of [...pushers, ...healths, ...registries])
        await replica.stop(3_000).catch(() => undefined);
      await redis.stop();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    },
  };
}
