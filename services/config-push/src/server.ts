import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import {
  Alerts,
  AlertMetrics,
  bindService,
  closeRedis,
  createRedisClient,
  RegistryChangeFeed,
  serveWhileReady,
  startGrpcServer,
  tokenLimitsFromConfig,
  checkedGrpcTransport,
  startTelemetry,
  type Logger,
  type RunningService,
  type TokenTable,
} from '@gateway/shared';
import { ConfigPushServiceImpl } from './api/config-push-service.js';
import { PushResultsHub } from './api/push-results-hub.js';
import type { ConfigPushConfig } from './config.js';
import { PushLease } from './leader/push-lease.js';
import { PushLeadership } from './leader/push-leadership.js';
import { ConfigPushMetrics } from './metrics/config-push-metrics.js';
import { SshPool } from './push/ssh-pool.js';
import { ConvergenceWatch } from './reconcile/convergence-watch.js';
import { EpochTracker } from './reconcile/epoch-tracker.js';
import { quarantineSettings } from './quarantine/quarantine-settings.js';
import { Pusher } from './reconcile/pusher.js';
import { NodeEventFeed } from './watch/node-events.js';
import { routeEvents } from './watch/route-events.js';

export type RunningConfigPush = RunningService & {
  readonly port: number;
  readonly replicaId: string;
  /** host:port of /metrics, /healthz, /readyz (undefined when METRICS_LISTEN is off). */
  readonly metricsAddress: string | undefined;
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
  const telemetry = await startTelemetry({
    service: 'config-push',
    listen: config.METRICS_LISTEN,
    logger,
  });
  const redis = createRedisClient(config, 'config-push', logger);
  const subscriber = createRedisClient(config, 'config-push-subscriber', logger);
  telemetry.watchRedis([redis, subscriber]);
  const alertMetrics = AlertMetrics(
    telemetry.registry,
    'config-push',
    telemetry.collectFailed('config-push-alerts'),
  );
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
  const alerts = Alerts({
    redis,
    source: 'config-push',
    replica: replicaId,
    settings: config.alerts,
    logger,
    onDelivery: alertMetrics.onDelivery,
  });
  alertMetrics.observe(alerts);
  const hub = PushResultsHub(WATCH_QUEUE_LIMIT, logger);
  const epochs = EpochTracker(alerts);
  const lease = PushLease({ redis, replicaId, ttlMs: config.CONFIG_PUSH_LEASE_TTL, logger });
  const metrics = ConfigPushMetrics(telemetry, redis, lease);
  const leadership = PushLeadership({
    lease,
    logger,
    startWatch: (termLogger) =>
      ConvergenceWatch({
        redis,
        alerts,
        lagAfterMs: config.CONFIG_PUSH_LAG_ALERT_AFTER,
        logger: termLogger,
      }),
    startPusher: (term, termLogger) =>
      Pusher({
        redis,
        pool,
        alerts,
        epochs,
        settings: {
          remoteCommand: config.CONFIG_PUSH_REMOTE_COMMAND,
          nodeTimeoutMs: config.CONFIG_PUSH_NODE_TIMEOUT,
          dropGuardShare: config.CONFIG_PUSH_DROP_GUARD_SHARE,
          dropGuardMinRemoved: config.CONFIG_PUSH_DROP_GUARD_MIN_REMOVED,
          dropGuardSettleMs: config.CONFIG_PUSH_DROP_GUARD_SETTLE,
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
        logger: termLogger,
        observer: metrics.observer,
      }),
  });
  const nodeEvents = NodeEventFeed({ subscriber, logger });
  routeEvents({ registry: feed, nodes: nodeEvents, hub, pusher: leadership.pusher, logger });
  const subscribed = Promise.all([feed.subscribed, nodeEvents.subscribed]);

  const shutdownController = new AbortController();
  const binding = bindService(
    ConfigPushServiceDefinition,
    ConfigPushServiceImpl({
      redis,
      pusher: leadership.pusher,
      hub,
      alerts,
      guard: {
        dropGuardShare: config.CONFIG_PUSH_DROP_GUARD_SHARE,
        dropGuardMinRemoved: config.CONFIG_PUSH_DROP_GUARD_MIN_REMOVED,
        maxConfigBytes: config.CONFIG_PUSH_NODE_MAX_BYTES,
      },
      shutdownSignal: shutdownController.signal,
      logger,
    }),
    {
      RenderConfig: [],
      StreamRenderConfig: [],
      PushNow: [],
      GetPushStatus: [],
      WatchPushes: [],
      ListRecentAlerts: [],
    },
    {
      audit: {
        pushNow: (request) =>
          `${request.nodeIp === '' ? 'every node' : `node ${request.nodeIp}`}${request.force ? ' (forced)' : ''}`,
      },
    },
  );
  const server = await startGrpcServer({
    listen: config.GRPC_LISTEN,
    logger,
    tokens,
    limits: tokenLimitsFromConfig(config),
    bindings: [binding],
    transport: checkedGrpcTransport(config),
    shutdown: shutdownController,
    callMetrics: telemetry.callMetrics,
  });

  telemetry.readyWhen(serveWhileReady(server, [redis, subscriber], [subscribed]));
  logger.info({ replica: replicaId }, 'config-push started: waiting for the push lease');

  return {
    port: server.port,
    replicaId,
    metricsAddress: telemetry.address,
    async stop() {
      telemetry.draining();
      await server.shutdown(config.SHUTDOWN_TIMEOUT);
      await lease.stop();
      await leadership.stopped();
      await feed.close();
      await nodeEvents.close();
      pool.close();
      await alerts.stop(1_000);
      // Closing the subscriber connection ends its subscriptions (an UNSUBSCRIBE would wait for a Redis that may be gone).
      await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
      await telemetry.close();
    },
  };
}
