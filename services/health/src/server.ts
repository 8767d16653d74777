import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import {
  Alerts,
  AlertMetrics,
  bindService,
  closeRedis,
  createRedisClient,
  serveWhileReady,
  startGrpcServer,
  tokenLimitsFromConfig,
  checkedGrpcTransport,
  startTelemetry,
  type AlertDeliveryStatus,
  type Logger,
  type RunningService,
  type TokenTable,
} from '@gateway/shared';
import { NodeHealthServiceImpl } from './api/node-health-service.js';
import { MassFailureCheck } from './confirm/mass-failure-check.js';
import { PeerConfirmation } from './confirm/peer-confirmation.js';
import type { HealthConfig } from './config.js';
import { InventoryReconciler } from './inventory/inventory-reconciler.js';
import { NodeStore } from './inventory/node-store.js';
import { HealthMetrics } from './metrics/health-metrics.js';
import { HttpProber } from './probe/http-prober.js';
import { ProbeGate } from './probe/probe-gate.js';
import { ProbeRunner } from './probe/probe-runner.js';
import { PeriodicPoll } from './schedule/periodic-poll.js';
import { HealthReader } from './state/health-reader.js';
import { SuspectIntake } from './suspect/suspect-intake.js';
import { HealthFeed } from './watch/health-feed.js';

export type RunningHealth = RunningService & {
  readonly port: number;
  /** host:port of /metrics, /healthz, /readyz (undefined when METRICS_LISTEN is off). */
  readonly metricsAddress: string | undefined;
  /** How the health service's alerts are delivered (shared by every replica). */
  alertStatus(): Promise<AlertDeliveryStatus>;
};

/**
 * Wires the health service: two Redis connections (commands, change subscription),
 * the prober, the periodic poll, alerts, the declared inventory's reconciler and the
 * gRPC server. Health turns SERVING once Redis is ready, the change subscription is in
 * place and the declared nodes are in.
 */
export async function startHealth(
  config: HealthConfig,
  logger: Logger,
  tokens: TokenTable | undefined,
): Promise<RunningHealth> {
  const telemetry = await startTelemetry({
    service: 'health',
    listen: config.METRICS_LISTEN,
    logger,
  });
  const redis = createRedisClient(config, 'health', logger);
  const subscriber = createRedisClient(config, 'health-subscriber', logger);
  telemetry.watchRedis([redis, subscriber]);
  const alertMetrics = AlertMetrics(
    telemetry.registry,
    'health',
    telemetry.collectFailed('health-alerts'),
  );
  const feed = HealthFeed({
    subscriber,
    redis,
    pollIntervalMs: config.HEALTH_WATCH_REVISION_POLL,
    logger,
  });

  const alerts = Alerts({
    redis,
    source: 'health',
    replica: config.HEALTH_REPLICA_ID,
    settings: config.alerts,
    logger,
    onDelivery: alertMetrics.onDelivery,
  });
  alertMetrics.observe(alerts);
  const reader = HealthReader(redis, config.HEALTH_STALE_AFTER, logger);
  const metrics = HealthMetrics(telemetry, reader);
  const prober = HttpProber({
    connectTimeoutMs: config.HEALTH_PROBE_CONNECT_TIMEOUT,
    timeoutMs: config.HEALTH_PROBE_TIMEOUT,
    userAgent: 'gateway-health',
  });
  const background = new AbortController();
  const peers = PeerConfirmation({
    redis,
    subscriber,
    prober,
    replicaId: config.HEALTH_REPLICA_ID,
    probeTimeoutMs: config.HEALTH_PROBE_TIMEOUT,
    signal: background.signal,
    logger,
  });
  const runner = ProbeRunner({
    redis,
    prober,
    alerts,
    gate: ProbeGate(redis, {
      windowMs: config.HEALTH_COALESCE_WINDOW,
      probeTimeoutMs: config.HEALTH_PROBE_TIMEOUT,
    }),
    damping: { rise: config.HEALTH_RISE, fall: config.HEALTH_FALL },
    massFailure: {
      policy: {
        share: config.HEALTH_MASS_FAILURE_SHARE,
        minNodes: config.HEALTH_MASS_FAILURE_MIN_NODES,
      },
      check: MassFailureCheck({
        peers,
        prober,
        alerts,
        replicaId: config.HEALTH_REPLICA_ID,
        recheckDelayMs: config.HEALTH_MASS_FAILURE_RECHECK_DELAY,
        peerWaitMs: config.HEALTH_MASS_FAILURE_PEER_WAIT,
        connectivityUrl: config.HEALTH_CONNECTIVITY_CHECK_URL,
        signal: background.signal,
        logger,
      }),
    },
    replicaId: config.HEALTH_REPLICA_ID,
    logger,
    observer: metrics.observer,
  });
  const store = NodeStore(redis, config.HEALTH_MAX_NODES);
  const intake = SuspectIntake({
    redis,
    runner,
    settings: {
      rateLimit: config.HEALTH_REPORT_RATE_LIMIT,
      rateWindowMs: config.HEALTH_REPORT_RATE_WINDOW,
      coalesceWindowMs: config.HEALTH_COALESCE_WINDOW,
    },
    replicaId: config.HEALTH_REPLICA_ID,
    logger,
  });
  const countedIntake = metrics.countingIntake(intake);

  const shutdownController = new AbortController();
  const binding = bindService(
    NodeHealthServiceDefinition,
    NodeHealthServiceImpl({
      redis,
      store,
      reader,
      runner,
      intake: countedIntake,
      feed,
      alerts,
      maxMessageBytes: config.HEALTH_MAX_MESSAGE_BYTES,
      maxNodes: config.HEALTH_MAX_NODES,
      shutdownSignal: shutdownController.signal,
      logger,
    }),
    {
      AddNode: [],
      UpdateNode: [],
      RemoveNode: [],
      ListNodes: [],
      GetNode: [],
      WatchNodes: [],
      ReportSuspect: ['sdk'],
      ProbeNow: [],
      ListRecentAlerts: [],
    },
    {
      audit: {
        addNode: (request) => `node ${request.node?.ip ?? ''}`,
        updateNode: (request) => `node ${request.node?.ip ?? ''}`,
        removeNode: (request) => `node ${request.ip}`,
      },
      rateLimited: ['reportSuspect'],
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
  const poll = PeriodicPoll({
    redis,
    runner,
    intervalMs: config.HEALTH_POLL_INTERVAL,
    replicaId: config.HEALTH_REPLICA_ID,
    logger,
  });

  // The declared nodes are kept in the inventory; the first round waits for Redis however
  // long it takes (the service reports NOT_SERVING meanwhile).
  const inventory = InventoryReconciler({
    redis,
    store,
    runner,
    declared: config.seedNodes,
    intervalMs: config.HEALTH_INVENTORY_RECONCILE_INTERVAL,
    logger,
  });

  telemetry.readyWhen(
    serveWhileReady(
      server,
      [redis, subscriber],
      [inventory.firstRound, feed.subscribed, peers.subscribed],
    ),
  );
  logger.info(
    {
      replica: config.HEALTH_REPLICA_ID,
      pollIntervalMs: config.HEALTH_POLL_INTERVAL,
      rise: config.HEALTH_RISE,
      fall: config.HEALTH_FALL,
      coalesceWindowMs: config.HEALTH_COALESCE_WINDOW,
    },
    'health service started',
  );

  return {
    port: server.port,
    metricsAddress: telemetry.address,
    alertStatus: () => alerts.status(),
    async stop() {
      telemetry.draining();
      await server.shutdown(config.SHUTDOWN_TIMEOUT);
      await poll.stop();
      background.abort();
      await inventory.stop();
      intake.stop();
      await runner.stop();
      await alerts.stop(Math.min(1_000, config.SHUTDOWN_TIMEOUT));
      await feed.close();
      await peers.close();
      await prober.close().catch(() => undefined);
      await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
      await telemetry.close();
    },
  };
}
