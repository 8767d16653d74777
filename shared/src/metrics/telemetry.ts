import type { Redis } from 'ioredis';
import type { ServerMiddleware } from 'nice-grpc';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { startMetricsHttpServer, type MetricsHttpServer } from './metrics-http-server.js';
import { RedisMetrics } from './redis-metrics.js';
import { rpcMetricsMiddleware } from './rpc-metrics.js';
import { registerSafetyMetrics } from './safety-metrics.js';

export type Telemetry = {
  /** This process's own metrics registry: every series of the service is registered here. */
  readonly registry: Registry;
  /** host:port of /metrics, /healthz and /readyz; undefined when METRICS_LISTEN is off. */
  readonly address: string | undefined;
  /** Give to startGrpcServer: counts and times every call. */
  readonly callMetrics: ServerMiddleware;
  /** Counts errors of these Redis connections and reports whether each is ready. */
  watchRedis(connections: readonly Redis[]): void;
  /** /readyz answers 200 while `check()` is true (and the service is not draining). */
  readyWhen(check: () => boolean): void;
  /** Counts a failed scrape-time read (a collector's Redis read that failed or timed out). */
  collectFailed(collector: string): (error: unknown) => void;
  /** /readyz answers 503 from now on (SIGTERM: drain). */
  draining(): void;
  /** Closes the HTTP endpoint. */
  close(): Promise<void>;
};

/**
 * The metrics and probe endpoints of one service process: a prom-client Registry of its
 * own (default process metrics included, every series labelled `service`), the gRPC call
 * middleware, Redis connection metrics, the TLS certificate and Redis eviction-policy
 * gauges (safety-metrics), and the HTTP endpoint on METRICS_LISTEN (none
 * when off: the series are still kept, nobody reads them).
 */
export async function startTelemetry(options: {
  service: string;
  listen: { host: string; port: number } | undefined;
  logger: Logger;
}): Promise<Telemetry> {
  const { logger } = options;
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.listen) collectDefaultMetrics({ register: registry });
  const redis = RedisMetrics(registry);
  registerSafetyMetrics(registry);
  const collectFailures = new Counter({
    name: 'gateway_metrics_collect_failures_total',
    help: 'Scrape-time reads (Redis) that failed or timed out, by collector',
    labelNames: ['collector'] as const,
    registers: [registry],
  });
  let check: () => boolean = () => false;
  let isDraining = false;
  let http: MetricsHttpServer | undefined;
  if (options.listen) {
    http = await startMetricsHttpServer({
      ...options.listen,
      registry,
      ready: () => !isDraining && check(),
      logger,
    });
  }
  const host = options.listen?.host.includes(':')
    ? `[${options.listen.host}]`
    : options.listen?.host;
  const address = http ? `${host}:${http.port}` : undefined;
  logger.info(
    { metrics: address ?? 'off' },
    address ? 'metrics, /healthz and /readyz listening' : 'metrics endpoint off (METRICS_LISTEN)',
  );
  return {
    registry,
    address,
    callMetrics: rpcMetricsMiddleware(registry),
    watchRedis(connections) {
      for (const connection of connections) redis.watch(connection);
    },
    readyWhen(next) {
      check = next;
    },
    collectFailed(collector) {
      collectFailures.inc({ collector }, 0);
      return (error) => {
        collectFailures.inc({ collector });
        logger.debug({ err: error, collector }, 'metrics: scrape-time read failed');
      };
    },
    draining() {
      isDraining = true;
    },
    async close() {
      isDraining = true;
      await http?.close();
    },
  };
}
