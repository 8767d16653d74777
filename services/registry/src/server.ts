import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  bindService,
  ChannelFeed,
  parseQuarantineChange,
  RedisChannels,
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
import { RegistryServiceImpl } from './api/registry-service.js';
import type { RegistryConfig } from './config.js';
import { Evictor } from './eviction/evictor.js';
import { HostPolicy } from './policy/host-policy.js';
import { IndexCheck } from './store/index-check.js';
import { RegistryMetrics } from './metrics/registry-metrics.js';
import { MeteredSnapshotGate } from './metrics/snapshot-gate-metrics.js';
import { RegistryStore } from './store/registry-store.js';

export type RunningRegistry = RunningService & {
  readonly port: number;
  /** host:port of /metrics, /healthz, /readyz (undefined when METRICS_LISTEN is off). */
  readonly metricsAddress: string | undefined;
};

/**
 * Wires the registry: two Redis connections (commands, change subscription), the
 * evictor loop, and the gRPC server. Health turns SERVING once Redis is ready and
 * back to NOT_SERVING while it is not.
 */
export async function startRegistry(
  config: RegistryConfig,
  logger: Logger,
  tokens: TokenTable | undefined,
): Promise<RunningRegistry> {
  const telemetry = await startTelemetry({
    service: 'registry',
    listen: config.METRICS_LISTEN,
    logger,
  });
  const redis = createRedisClient(config, 'registry', logger);
  const subscriber = createRedisClient(config, 'registry-subscriber', logger);
  // WAIT blocks its connection: acknowledged writes get one of their own.
  const durable =
    config.REDIS_WAIT_REPLICAS > 0 ? createRedisClient(config, 'registry-durable', logger) : redis;
  telemetry.watchRedis([redis, subscriber, durable]);
  const metrics = RegistryMetrics(telemetry, redis);
  const feed = RegistryChangeFeed({
    subscriber,
    redis,
    pollIntervalMs: config.REGISTRY_REVISION_POLL_INTERVAL,
    logger,
  });

  const quarantineFeed = ChannelFeed({
    name: 'registry-quarantine',
    subscriber,
    logger,
    channels: { [RedisChannels.pushQuarantineChanges]: parseQuarantineChange },
  });

  const shutdownController = new AbortController();
  const binding = bindService(
    RegistryServiceDefinition,
    RegistryServiceImpl({
      redis,
      store: RegistryStore(redis, {
        redis: durable,
        acknowledgement: {
          replicas: config.REDIS_WAIT_REPLICAS,
          timeoutMs: config.REDIS_WAIT_TIMEOUT,
        },
      }),
      feed,
      quarantineFeed,
      settings: {
        lease: {
          defaultMs: config.REGISTRY_LEASE_DEFAULT,
          minMs: config.REGISTRY_LEASE_MIN,
          maxMs: config.REGISTRY_LEASE_MAX,
        },
        selfPreservationShare: config.REGISTRY_SELF_PRESERVATION_SHARE,
        selfPreservationWindowMs: config.REGISTRY_SELF_PRESERVATION_WINDOW,
        watchQueueLimit: config.REGISTRY_WATCH_QUEUE_LIMIT,
        maxMessageBytes: config.REGISTRY_MAX_MESSAGE_BYTES,
        hostPolicy: HostPolicy(config.REGISTRY_ALLOWED_HOSTS),
      },
      snapshotGate: MeteredSnapshotGate(
        telemetry,
        {
          concurrency: config.REGISTRY_WATCH_SNAPSHOT_CONCURRENCY,
          queueLimit: config.REGISTRY_WATCH_SNAPSHOT_QUEUE_LIMIT,
          waitTimeoutMs: config.REGISTRY_WATCH_SNAPSHOT_WAIT_TIMEOUT,
        },
        logger,
      ),
      shutdownSignal: shutdownController.signal,
      logger,
    }),
    {
      Register: ['core'],
      Heartbeat: ['core'],
      Deregister: ['core'],
      ListInstances: [],
      WatchInstances: [],
    },
    {
      audit: {
        register: (request) =>
          `instance ${request.instance?.group ?? ''}/${request.instance?.host ?? ''}:${request.instance?.port ?? 0}`,
        deregister: (request) => `instance ${request.instanceId}`,
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

  const evictor = Evictor({
    redis,
    logger,
    policy: {
      intervalMs: config.REGISTRY_EVICTION_INTERVAL,
      batchSize: config.REGISTRY_EVICTION_BATCH,
      maxShare: config.REGISTRY_SELF_PRESERVATION_SHARE,
      guardMinimum: config.REGISTRY_SELF_PRESERVATION_MIN_EXPIRED,
      windowMs: config.REGISTRY_SELF_PRESERVATION_WINDOW,
      graceTtlMs: config.REGISTRY_LEASE_MAX,
    },
    onRound: metrics.onEvictionRound,
  });

  const indexCheck = IndexCheck({
    redis,
    intervalMs: config.REGISTRY_INDEX_CHECK_INTERVAL,
    logger,
  });

  telemetry.readyWhen(
    serveWhileReady(
      server,
      [...new Set([redis, subscriber, durable])],
      [feed.subscribed, quarantineFeed.subscribed],
    ),
  );

  return {
    port: server.port,
    metricsAddress: telemetry.address,
    async stop() {
      telemetry.draining();
      await server.shutdown(config.SHUTDOWN_TIMEOUT);
      await evictor.stop();
      await indexCheck.stop();
      await feed.close();
      await quarantineFeed.close();
      await Promise.all([...new Set([redis, subscriber, durable])].map(closeRedis));
      await telemetry.close();
    },
  };
}
