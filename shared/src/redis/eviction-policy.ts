import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The policies under which Redis never drops a key to make room. */
const SAFE_POLICIES = new Set(['noeviction']);

/** What the last check found: `unknown` before the first one, or when INFO could not be read. */
export type EvictionPolicyState = 'safe' | 'unsafe' | 'unknown';

/** The policy can change without a reconnect (CONFIG SET): read again this often while ready. */
const RECHECK_INTERVAL_MS = 60_000;

let watched = false;
let state: EvictionPolicyState = 'unknown';

/** The process's last finding, for its metrics (gateway_redis_eviction_policy_unsafe). */
export function evictionPolicyState(): EvictionPolicyState {
  return state;
}

/**
 * Once per process, on the first command connection: reads `maxmemory_policy` from INFO
 * memory (allowed to the services' ACL users, unlike CONFIG GET) each time the connection
 * becomes ready (start, reconnect, Sentinel failover to another master) and every minute
 * while it is (the timer ends with the connection), keeps the finding
 * for the metrics, and logs a warning when it turns unsafe (Redis may evict keys: a lease,
 * a health state or the push fence would vanish silently) and a line when it is safe again.
 * A failure to read it is a warning too: the check never stops a service.
 */
export function checkEvictionPolicyOnce(redis: Redis, logger: Logger): void {
  if (watched) return;
  watched = true;
  let logged: EvictionPolicyState | 'unread' | undefined;
  const check = () =>
    void evictionPolicy(redis).then(
      (policy) => {
        const previous = logged;
        if (policy === undefined) {
          state = 'unknown';
          logged = 'unknown';
          if (previous !== 'unknown')
            logger.warn(
              'redis: maxmemory_policy not in INFO memory: cannot check that Redis never evicts keys',
            );
          return;
        }
        state = SAFE_POLICIES.has(policy.policy) ? 'safe' : 'unsafe';
        logged = state;
        if (state === 'unsafe' && previous !== 'unsafe')
          logger.warn(
            { maxmemoryPolicy: policy.policy, maxmemory: policy.maxmemory },
            `redis: maxmemory-policy is ${policy.policy}: Redis may evict the gateway's keys${policy.maxmemory === 0 ? ' once maxmemory is set' : ' when full'}; set maxmemory-policy noeviction (deploy/redis/redis.conf)`,
          );
        else if (state === 'safe' && previous === 'unsafe')
          logger.info({ maxmemoryPolicy: policy.policy }, 'redis: eviction policy is safe again');
        else logger.debug({ maxmemoryPolicy: policy.policy }, 'redis: eviction policy checked');
      },
      (error: unknown) => {
        // The last finding stands: a read that failed says nothing about the policy.
        if (logged !== 'unread')
          logger.warn(
            { err: error },
            'redis: cannot read INFO memory: cannot check that Redis never evicts keys (maxmemory-policy noeviction)',
          );
        logged = 'unread';
      },
    );
  redis.on('ready', check);
  const timer = setInterval(() => {
    if (redis.status === 'ready') check();
  }, RECHECK_INTERVAL_MS);
  timer.unref();
  redis.once('end', () => clearInterval(timer));
}

/** `maxmemory_policy` and `maxmemory` from INFO memory. */
export async function evictionPolicy(
  redis: Redis,
): Promise<{ policy: string; maxmemory: number } | undefined> {
  const info = await redis.info('memory');
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const policy = field('maxmemory_policy');
  if (policy === undefined) return undefined;
  return { policy, maxmemory: Number(field('maxmemory') ?? 0) };
}
