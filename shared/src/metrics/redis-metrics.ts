import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';

export type RedisMetrics = {
  /** Counts the connection's errors and reports whether it is ready; label: its connection name. */
  watch(connection: Redis): void;
};

/**
 * `gateway_redis_errors_total{connection}`: errors a Redis connection reported (refused,
 * reset, timed out, failed command replies it surfaced as errors); and
 * `gateway_redis_connection_up{connection}`: 1 while the connection is ready.
 */
export function RedisMetrics(registry: Registry): RedisMetrics {
  const connections = new Map<string, Redis>();
  const errors = new Counter({
    name: 'gateway_redis_errors_total',
    help: 'Errors reported by a Redis connection, by connection name',
    labelNames: ['connection'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_redis_connection_up',
    help: '1 while the Redis connection is ready, 0 otherwise',
    labelNames: ['connection'] as const,
    registers: [registry],
    collect() {
      for (const [name, connection] of connections)
        this.set({ connection: name }, connection.status === 'ready' ? 1 : 0);
    },
  });
  return {
    watch(connection) {
      const name = connection.options.connectionName ?? 'redis';
      if (connections.has(name)) return;
      connections.set(name, connection);
      errors.inc({ connection: name }, 0);
      connection.on('error', () => errors.inc({ connection: name }));
    },
  };
}
