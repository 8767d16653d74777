import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { CommonConfig } from '../config/common-config.js';
import { ConfigError } from '../config/config-error.js';
import { checkEvictionPolicyOnce } from './eviction-policy.js';
import { MasterRedirect } from './sentinel/master-redirect.js';
import { followSentinels, type SentinelFollower } from './sentinel/sentinel-follower.js';

export type RedisConnectionConfig = Pick<
  CommonConfig,
  | 'REDIS_URL'
  | 'REDIS_SENTINELS'
  | 'REDIS_SENTINEL_MASTER'
  | 'REDIS_SENTINEL_PASSWORD'
  | 'REDIS_TLS_CA_FILE'
  | 'REDIS_TLS_CERT_FILE'
  | 'REDIS_TLS_KEY_FILE'
  | 'REDIS_COMMAND_TIMEOUT'
  | 'REDIS_FAILOVER_FENCE_TIMEOUT'
>;

const followers = new WeakMap<Redis, SentinelFollower>();

/**
 * Reconnect delay after the `attempt`-th failure in a row: the first retry at once (a
 * switch of master or a restart is usually over by then), then 200 ms doubling up to
 * 1 s. A Sentinel switch does not wait for it: the follower reconnects at once.
 */
export function reconnectDelayMs(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(50 * 2 ** attempt, 1_000);
}

/**
 * Opens a Redis connection from the operator contract: `REDIS_URL` (redis:// or
 * rediss:// with password and db; with a CA file and a client certificate for TLS), or Redis Sentinel when `REDIS_SENTINELS` is set
 * (the URL then gives password, db and TLS; its host is ignored). Commands time out
 * after `REDIS_COMMAND_TIMEOUT`; reconnection backs off up to 1 s, forever. Through
 * Sentinel, the connection follows Sentinel's events (see followSentinels): it holds
 * writes while the master is replaced and moves to the new master at `+switch-master`.
 * `purpose` names the connection in CLIENT LIST and in logs.
 */
export function createRedisClient(
  config: RedisConnectionConfig,
  purpose: string,
  logger: Logger,
): Redis {
  if (Boolean(config.REDIS_TLS_CERT_FILE) !== Boolean(config.REDIS_TLS_KEY_FILE))
    throw new ConfigError(
      config.REDIS_TLS_CERT_FILE ? 'REDIS_TLS_KEY_FILE' : 'REDIS_TLS_CERT_FILE',
      'a client certificate needs both REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE',
    );
  const url = new URL(config.REDIS_URL);
  const subscriber = purpose.endsWith('subscriber');
  const tls =
    url.protocol === 'rediss:'
      ? {
          ...(config.REDIS_TLS_CA_FILE ? { ca: readFileSync(config.REDIS_TLS_CA_FILE) } : {}),
          ...(config.REDIS_TLS_CERT_FILE && config.REDIS_TLS_KEY_FILE
            ? {
                cert: readFileSync(config.REDIS_TLS_CERT_FILE),
                key: readFileSync(config.REDIS_TLS_KEY_FILE),
              }
            : {}),
          // SNI takes a DNS name only (RFC 6066); an IP address is checked against the
          // certificate's IP SANs without it.
          ...(isIP(url.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: url.hostname }),
        }
      : undefined;
  const common: RedisOptions = {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    connectionName: purpose,
    // A subscriber's commands (SUBSCRIBE) wait for the connection however long it
    // takes; ordinary commands fail fast so callers can answer UNAVAILABLE.
    commandTimeout: subscriber ? undefined : config.REDIS_COMMAND_TIMEOUT,
    maxRetriesPerRequest: subscriber ? null : 2,
    connectTimeout: 5_000,
    retryStrategy: reconnectDelayMs,
    ...(tls ? { tls } : {}),
  };
  if (!config.REDIS_SENTINELS) {
    const redis = new Redis({
      ...common,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 6379),
    });
    logConnectionState(redis, purpose, logger);
    if (!subscriber) checkEvictionPolicyOnce(redis, logger);
    return redis;
  }
  const sentinels = parseSentinelList(config.REDIS_SENTINELS);
  const redirect = MasterRedirect();
  const redis = new Redis({
    ...common,
    sentinels,
    name: config.REDIS_SENTINEL_MASTER,
    role: 'master',
    sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
    enableTLSForSentinelMode: tls !== undefined,
    sentinelRetryStrategy: reconnectDelayMs,
    // A Sentinel that has not learnt of a switch yet must not send us back to the old master.
    natMap: (key) => redirect.resolve(key),
  });
  logConnectionState(redis, purpose, logger);
  if (!subscriber) checkEvictionPolicyOnce(redis, logger);
  followers.set(
    redis,
    followSentinels(redis, {
      sentinels,
      masterName: config.REDIS_SENTINEL_MASTER,
      sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
      redirect,
      maxFenceMs: config.REDIS_FAILOVER_FENCE_TIMEOUT,
      purpose,
      logger,
    }),
  );
  return redis;
}

function parseSentinelList(list: string): Array<{ host: string; port: number }> {
  return list.split(',').map((entry) => {
    const separator = entry.trim().lastIndexOf(':');
    return {
      host: entry.trim().slice(0, separator),
      port: Number(entry.trim().slice(separator + 1)),
    };
  });
}

function logConnectionState(redis: Redis, purpose: string, logger: Logger): void {
  let lastError = '';
  redis.on('error', (error: Error) => {
    // A down Redis repeats the same error at every retry: log each new one once.
    if (error.message !== lastError)
      logger.warn({ err: error, redis: purpose }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError !== '') logger.info({ redis: purpose }, 'redis connection ready again');
    lastError = '';
  });
}

/** True for errors that mean Redis is unreachable right now (worth UNAVAILABLE, not INTERNAL). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'FailoverInProgressError' ||
    error.name === 'WriteNotAcknowledgedError' ||
    /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|LOADING|READONLY|MASTERDOWN|NOREPLICAS/.test(
      error.message,
    )
  );
}

/** Closes a connection: QUIT when it is up (bounded), else disconnect. */
export async function closeRedis(redis: Redis): Promise<void> {
  followers.get(redis)?.close();
  if (redis.status === 'ready') {
    await Promise.race([
      redis.quit().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
    ]);
  }
  redis.disconnect();
}
