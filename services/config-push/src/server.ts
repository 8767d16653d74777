import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import {
  bindService,
  ChannelFeed,
  closeRedis,
  createRedisClient,
  parseHealthChange,
  parseNodeChange,
  RedisChannels,
  RegistryChangeFeed,
  serveWhileReady,
  startGrpcServer,
  type Logger,
  type RunningService,
  type TokenTable,
} from '@gateway/shared';
import { AlertSink } from './alerts/alert-sink.js';
import { ConfigPushServiceImpl } from './api/config-push-service.js';
import { PushResultsHub } from './api/push-results-hub.js';
import { parseAttempt } from './api/response-mapping.js';
import type { AttemptRecord } from './state/node-records.js';

/** What config-push hears besides registry changes: push results (for WatchPushes) and node events. */
type NodeEvent =
  | { readonly kind: 'push'; readonly attempt: AttemptRecord }
  | { readonly kind: 'health'; readonly ip: string; readonly up: boolean }
  | { readonly kind: 'inventory'; readonly ip: string; readonly removed: boolean };
import type { ConfigPushConfig } from './config.js';
import { PushLease } from './leader/push-lease.js';
import { SshPool } from './push/ssh-pool.js';
import { quarantineSettings } from './quarantine/quarantine-settings.js';
import { Pusher } from './reconcile/pusher.js';

export type RunningConfigPush = RunningService & {
  readonly port: number;
  readonly replicaId: string;
};

const WATCH_QUEUE_LIMIT = 10_000;

/**
 * Wires config-push: two Redis connections (commands; subscriptions to registry, node,
 * health and push-result channels), the push lease, and — while this replica holds the
 * lease — the push loop. Every replica serves the RPCs; only the holder pushes.
 */
export async function startConfigPush(
  config: ConfigPushConfig,
  logger: Logger,
  tokens: TokenTable | undefined,
): Promise<RunningConfigPush> {
  const replicaId = config.CONFIG_PUSH_REPLICA_ID;
  const redis = createRedisClient(config, 'config-push', logger);
  const subscriber = createRedisClient(config, 'config-push-subscriber', logger);
  const feed = RegistryChangeFeed({
    subscriber,
    redis,
    pollIntervalMs: config.CONFIG_PUSH_REVISION_POLL_INTERVAL,
    logger,
  });
  const pool = SshPool({
    privateKeyFile: config.CONFIG_PUSH_SSH_PRIVATE_KEY_FILE,
    passphrase: config.CONFIG_PUSH_SSH_PRIVATE_KEY_PASSPHRASE,
    knownHostsFile: config.CONFIG_PUSH_KNOWN_HOSTS_FILE,
    connectTimeoutMs: config.CONFIG_PUSH_SSH_CONNECT_TIMEOUT,
    commandTimeoutMs: config.CONFIG_PUSH_COMMAND_TIMEOUT,
    idleTimeoutMs: config.CONFIG_PUSH_SSH_IDLE_TIMEOUT,
    logger,
  });
  const alerts = AlertSink({
    webhookUrl: config.CONFIG_PUSH_ALERT_WEBHOOK_URL,
    timeoutMs: config.CONFIG_PUSH_ALERT_TIMEOUT,
    retries: config.CONFIG_PUSH_ALERT_RETRIES,
    repeatMs: config.CONFIG_PUSH_ALERT_REPEAT,
    replica: replicaId,
    logger,
  });
  const hub = PushResultsHub(WATCH_QUEUE_LIMIT, logger);
  const lease = PushLease({ redis, replicaId, ttlMs: config.CONFIG_PUSH_LEASE_TTL, logger });

  let pusher: Pusher | undefined;
  let stopping: Promise<void> = Promise.resolve();
  lease.onChange((term) => {
    const previous = pusher;
    pusher = undefined;
    stopping = stopping.then(() => previous?.stop());
    if (!term) return;
    pusher = Pusher({
      redis,
      pool,
      alerts,
      settings: {
        remoteCommand: config.CONFIG_PUSH_REMOTE_COMMAND,
        nodeTimeoutMs: config.CONFIG_PUSH_NODE_TIMEOUT,
        dropGuardShare: config.CONFIG_PUSH_DROP_GUARD_SHARE,
        dropGuardMinRemoved: config.CONFIG_PUSH_DROP_GUARD_MIN_REMOVED,
        replicaId,
        maxConfigBytes: config.CONFIG_PUSH_NODE_MAX_BYTES,
        quarantine: quarantineSettings(config),
      },
      timing: {
        waitMinMs: config.CONFIG_PUSH_WAIT_MIN,
        waitMaxMs: config.CONFIG_PUSH_WAIT_MAX,
        driftCheckIntervalMs: config.CONFIG_PUSH_DRIFT_CHECK_INTERVAL,
        retryMinMs: config.CONFIG_PUSH_RETRY_MIN,
        retryMaxMs: config.CONFIG_PUSH_RETRY_MAX,
      },
      term: () => lease.current(),
      startTerm: term,
      logger: logger.child({ fence: term.fence }),
    });
  });

  feed.listen((event) =>
    pusher?.registryChanged(event.kind === 'change' ? event.change.revision : event.revision),
  );
  const nodeEvents = ChannelFeed<NodeEvent>({
    name: 'config-push-events',
    subscriber,
    logger,
    channels: {
      [RedisChannels.pushResults]: (message) => {
        const attempt = parseAttempt(message);
        return attempt && { kind: 'push', attempt };
      },
      [RedisChannels.healthChanges]: (message) => {
        const change = parseHealthChange(message);
        return change && { kind: 'health', ip: change.ip, up: change.status === 'UP' };
      },
      [RedisChannels.nodeChanges]: (message) => {
        const change = parseNodeChange(message);
        return change && { kind: 'inventory', ip: change.ip, removed: change.type === 'REMOVED' };
      },
    },
  });
  nodeEvents.listen((event) => {
    if (event.kind === 'push') {
      hub.publish(event.attempt);
    } else if (event.kind === 'health' && event.up) {
      logger.info({ node: event.ip }, 'node is UP again: reconciling it');
      pusher?.nodeNeedsCheck(event.ip);
    } else if (event.kind === 'inventory' && !event.removed) {
      pusher?.nodeNeedsCheck(event.ip);
    }
  });
  const subscribed = Promise.all([feed.subscribed, nodeEvents.subscribed]);

  const shutdownController = new AbortController();
  const binding = bindService(
    ConfigPushServiceDefinition,
    ConfigPushServiceImpl({
      redis,
      pusher: () => pusher,
      hub,
      guard: {
        dropGuardShare: config.CONFIG_PUSH_DROP_GUARD_SHARE,
        dropGuardMinRemoved: config.CONFIG_PUSH_DROP_GUARD_MIN_REMOVED,
        maxConfigBytes: config.CONFIG_PUSH_NODE_MAX_BYTES,
      },
      shutdownSignal: shutdownController.signal,
      logger,
    }),
    { RenderConfig: [], PushNow: [], GetPushStatus: [], WatchPushes: [] },
  );
  const server = await startGrpcServer({
    listen: config.GRPC_LISTEN,
    logger,
    tokens,
    bindings: [binding],
    shutdown: shutdownController,
  });

  serveWhileReady(server, [redis, subscriber], [subscribed]);
  logger.info({ replica: replicaId }, 'config-push started: waiting for the push lease');

  return {
    port: server.port,
    replicaId,
    async stop() {
      await server.shutdown(config.SHUTDOWN_TIMEOUT);
      await lease.stop();
      await stopping;
      await feed.close();
      await nodeEvents.close();
      pool.close();
      await alerts.close(1_000);
      // Closing the subscriber connection ends its subscriptions (an UNSUBSCRIBE would wait for a Redis that may be gone).
      await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
    },
  };
}
