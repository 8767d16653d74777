import type { Redis } from 'ioredis';
import {
  BackgroundLoop,
  claimPollRoundScript,
  isRedisUnavailable,
  RedisKeys,
  type Logger,
} from '@gateway/shared';
import type { ProbeRunner } from '../probe/probe-runner.js';

/**
 * The periodic poll. Every replica ticks (a twentieth of the interval, 50 ms..1 s) and
 * tries to claim the round that is due (Lua on the Redis clock): exactly one replica
 * gets each round, whichever asks first once it is due, so when the replica that ran
 * the last round dies another runs the next one at most one tick late. Nothing is
 * held between rounds: no lock to get stuck. DOWN nodes are probed like the others
 * (auto-recovery). The round runs in the background, so a slow node never delays the
 * next claim.
 */
export function PeriodicPoll(deps: {
  redis: Redis;
  runner: ProbeRunner;
  intervalMs: number;
  replicaId: string;
  logger: Logger;
}): BackgroundLoop {
  const { redis, runner, logger } = deps;
  let unavailableSince: number | undefined;
  return BackgroundLoop({
    name: 'health-poll',
    intervalMs: Math.min(1_000, Math.max(50, Math.floor(deps.intervalMs / 20))),
    logger,
    round: async () => {
      let reply: number[];
      try {
        reply = (await claimPollRoundScript.run(
          redis,
          [RedisKeys.healthPollClaim, RedisKeys.healthProbeWindow],
          [deps.intervalMs, deps.replicaId],
        )) as number[];
      } catch (error) {
        // Redis down: say it once, not at every tick.
        if (!isRedisUnavailable(error)) throw error;
        if (unavailableSince === undefined)
          logger.warn({ err: error }, 'periodic poll paused: redis is unavailable');
        unavailableSince ??= Date.now();
        return;
      }
      if (unavailableSince !== undefined) {
        logger.info({ pausedMs: Date.now() - unavailableSince }, 'periodic poll resumed');
        unavailableSince = undefined;
      }
      if (reply[0] === 0) return;
      if (reply[0] === 2) {
        logger.debug(
          { scheduled: reply[1] },
          'poll round due, but a suspect-triggered round of all nodes just ran: covered',
        );
        return;
      }
      logger.debug({ scheduled: reply[1] }, 'poll round claimed');
      runner.startRound({ trigger: 'poll' });
    },
  });
}
