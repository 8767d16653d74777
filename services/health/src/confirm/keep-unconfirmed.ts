import type { Redis } from 'ioredis';
import {
  markHealthUnconfirmedScript,
  RedisChannels,
  RedisKeys,
  type HealthStatusName,
  type Logger,
} from '@gateway/shared';

/**
 * A failure of a mass failure nobody confirmed: the node's status stays as it is, marked
 * unconfirmed (stale, with `reason`) until a probe result is applied again. Returns the kept status.
 */
export async function keepUnconfirmed(
  redis: Redis,
  ip: string,
  reason: string,
  logger: Logger,
): Promise<HealthStatusName | undefined> {
  await markHealthUnconfirmedScript.run(
    redis,
    [
      RedisKeys.nodes,
      RedisKeys.healthStatus(ip),
      RedisKeys.healthDetail(ip),
      RedisKeys.healthRevision,
    ],
    [ip, reason, RedisChannels.healthChanges],
  );
  const status = (await redis.get(RedisKeys.healthStatus(ip))) as HealthStatusName | null;
  logger.warn(
    { ip, status, reason },
    'probe failure not confirmed: status kept, marked unconfirmed',
  );
  return status ?? undefined;
}
