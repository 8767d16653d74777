import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The policies under which Redis never drops a key to make room. */
const SAFE_POLICIES = new Set(['noeviction']);

let checked = false;

/**
 * Once per process, at the first ready connection: reads `maxmemory_policy` from INFO
 * memory (allowed to the services' ACL users, unlike CONFIG GET) and logs a warning when
 * Redis may evict keys (a lease, a health state or the push fence would vanish silently).
 * A failure to read it is a warning too: the check never stops a service.
 */
export function checkEvictionPolicyOnce(redis: Redis, logger: Logger): void {
  if (checked) return;
  checked = true;
  redis.once('ready', () => {
    void evictionPolicy(redis).then(
      (policy) => {
        if (policy === undefined)
          logger.warn(
            'redis: maxmemory_policy not in INFO memory: cannot check that Redis never evicts keys',
          );
        else if (!SAFE_POLICIES.has(policy.policy))
          logger.warn(
            { maxmemoryPolicy: policy.policy, maxmemory: policy.maxmemory },
            `redis: maxmemory-policy is ${policy.policy}: Redis may evict the gateway's keys${policy.maxmemory === 0 ? ' once maxmemory is set' : ' when full'}; set maxmemory-policy noeviction (deploy/redis/redis.conf)`,
          );
        else logger.debug({ maxmemoryPolicy: policy.policy }, 'redis: eviction policy checked');
      },
      (error: unknown) =>
        logger.warn(
          { err: error },
          'redis: cannot read INFO memory: cannot check that Redis never evicts keys (maxmemory-policy noeviction)',
        ),
    );
  });
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
