import { join } from 'node:path';
import { createChannel, createClient, type Channel, type Client } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { channelCredentials, type ClientTlsFiles, type NodeSpecData } from '@gateway/shared';
import {
  bearer,
  CONFIG_PUSH_TEST_TIMINGS,
  DEPLOY_DIR,
  startAlertReceiver,
  startRedisServer,
  TEST_TOKENS,
  TEST_TOKENS_ENV,
  type AlertReceiver,
  startServiceProcess,
  tempDir,
  type RedisServerHandle,
  type ServiceProcess,
  serviceEntry,
  LOOPBACK_INSTANCES_ENV,
  type TestPki,
} from '@gateway/testkit';

export const ADMIN_TOKEN = TEST_TOKENS.admin;
export const CORE_TOKEN = TEST_TOKENS.core;
export const SDK_TOKEN = TEST_TOKENS.sdk;

/** The health replicas' timings in the story (the figures' bounds are derived from them). */
export const STORY_HEALTH_TIMINGS = {
  /** Long enough that the SDK's suspect report, not the poll, finds the dead node. */
  pollIntervalMs: 8_000,
  probeConnectTimeoutMs: 500,
  probeTimeoutMs: 1_000,
  /** HEALTH_COALESCE_WINDOW's default: suspect-triggered probes of a node are this far apart at most. */
  coalesceWindowMs: 1_000,
} as const;

export type ControlPlane = {
  readonly redis: RedisServerHandle;
  readonly registries: ServiceProcess[];
  readonly healths: ServiceProcess[];
  readonly pushers: ServiceProcess[];
  /** How a client reaches the replicas: undefined (plaintext) or the CA and a client certificate. */
  readonly clientTls: ClientTlsFiles | undefined;
  /** The webhook the health and config-push replicas send their alerts to. */
  readonly alerts: AlertReceiver;
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
 * receiver for the alerts of health and config-push. The health replicas listen on `healthHost` (the
 * test network's root address) so the client namespace can report suspects to them.
 */
export async function startControlPlane(options: {
  healthHost: string;
  nodes: readonly NodeSpecData[];
  /** SSH private key config-push logs in with (its public half is authorised on the nodes). */
  privateKeyPath: string;
  /**
   * Serve mTLS with this PKI's server certificate (its SANs must cover 127.0.0.1 and
   * `healthHost`), requiring client certificates of its CA. Absent: plaintext.
   */
  tls?: TestPki;
}): Promise<ControlPlane> {
  const channels: Channel[] = [];
  const alerts = await startAlertReceiver();

  const redis = await startRedisServer();
  const pki = options.tls;
  const clientTls = pki ? { caFile: pki.caFile, ...pki.client } : undefined;
  const common = {
    REDIS_URL: redis.url,
    GATEWAY_TOKENS: TEST_TOKENS_ENV,
    LOG_LEVEL: 'warn',
    ...(pki
      ? {
          GRPC_TLS_CERT_FILE: pki.server.certFile,
          GRPC_TLS_KEY_FILE: pki.server.keyFile,
          GRPC_TLS_CLIENT_CA_FILE: pki.caFile,
        }
      : {}),
  };
  const registries: ServiceProcess[] = [];
  const healths: ServiceProcess[] = [];
  const pushers: ServiceProcess[] = [];
  type StartOptions = Parameters<typeof startServiceProcess>[0];
  const started = new Map<ServiceProcess, { options: StartOptions; list: ServiceProcess[] }>();
  const start = async (list: ServiceProcess[], options: StartOptions) => {
    // Two end-to-end files start their planes at once on a busy 2-core machine: 15 s is not always enough.
    const replica = await startServiceProcess({
      timeoutMs: 60_000,
      ...options,
      ...(clientTls ? { clientTls } : {}),
    });
    const colon = replica.address.lastIndexOf(':');
    const address = {
      host: replica.address.slice(0, colon),
      port: Number(replica.address.slice(colon + 1)),
    };
    started.set(replica, { options: { ...options, ...address }, list });
    return replica;
  };
  for (let i = 1; i <= 2; i++) {
    registries.push(
      await start(registries, {
        name: `registry-${i}`,
        entry: serviceEntry('registry'),
        env: { ...common, ...LOOPBACK_INSTANCES_ENV },
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
          HEALTH_POLL_INTERVAL: `${STORY_HEALTH_TIMINGS.pollIntervalMs}ms`,
          HEALTH_PROBE_CONNECT_TIMEOUT: `${STORY_HEALTH_TIMINGS.probeConnectTimeoutMs}ms`,
          HEALTH_PROBE_TIMEOUT: `${STORY_HEALTH_TIMINGS.probeTimeoutMs}ms`,
          HEALTH_COALESCE_WINDOW: `${STORY_HEALTH_TIMINGS.coalesceWindowMs}ms`,
          // The declared inventory: put back by every replica whenever it is missing from Redis.
          HEALTH_NODES: JSON.stringify(options.nodes),
          HEALTH_INVENTORY_RECONCILE_INTERVAL: '2s',
          HEALTH_ALERT_WEBHOOK_URLS: `${alerts.url}/alerts`,
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
          ...CONFIG_PUSH_TEST_TIMINGS,
          CONFIG_PUSH_SSH_CONNECT_TIMEOUT: '2s',
          CONFIG_PUSH_ALERT_WEBHOOK_URL: `${alerts.url}/alerts`,
        },
      }),
    );
  }
  const auth = (token: string) => ({ '*': bearer(token) });
  const channelTo = (replica: ServiceProcess) => {
    const channel = createChannel(replica.address, channelCredentials(clientTls));
    channels.push(channel);
    return channel;
  };
  return {
    redis,
    registries,
    healths,
    pushers,
    clientTls,
    alerts,
    async restart(replica) {
      const entry = started.get(replica);
      if (!entry) throw new Error(`${replica.address} was not started by this control plane`);
      await replica.stop(3_000);
      const next = await start(entry.list, entry.options);
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
      await alerts.close();
    },
  };
}
