import type { Redis } from 'ioredis';
import {
  admitSuspectReportScript,
  claimTrailingRoundScript,
  RedisKeys,
  type Logger,
} from '@gateway/shared';
import type { ProbeRunner } from '../probe/probe-runner.js';
import { RateLimitedTokens } from './rate-limited-tokens.js';

export type SuspectDecision = 'STARTED' | 'JOINED' | 'RATE_LIMITED';

/** A validated suspect report. */
export type SuspectReport = {
  readonly reporter: string;
  readonly target: string;
  readonly failureKind: string;
  readonly consecutiveFailures: number;
};

export type SuspectIntake = {
  /**
   * Decides and, when it starts a round, starts it in the background. `token` is the
   * name of the caller's token: the rate limit counts per token, across replicas.
   */
  report(report: SuspectReport, token: string): Promise<SuspectDecision>;
  /** Cancels trailing rounds not yet due. */
  stop(): void;
};

const MAX_TRAILING_ATTEMPTS = 5;
/** How long a replica answers a token over its rate without asking Redis (rate-limited-tokens.ts). */
const RATE_LIMITED_HOLD_MS = 1_000;
const RATE_LIMITED_MAX_TOKENS = 10_000;

/**
 * Takes suspect reports: one Lua call decides, across all replicas, whether the
 * reporter is over its rate, and whether the report starts a probe round of all nodes
 * or joins the one started less than a coalescing window ago. Reports that joined
 * are owed one trailing round when the window closes (the round they joined may
 * have probed before their fault): the first joiner's replica runs it. So a storm
 * causes at most one round per window, and no report goes without a probe that
 * started after it. Rounds run in the background: the caller gets the decision at once.
 */
export function SuspectIntake(deps: {
  redis: Redis;
  runner: ProbeRunner;
  settings: { rateLimit: number; rateWindowMs: number; coalesceWindowMs: number };
  replicaId: string;
  logger: Logger;
}): SuspectIntake {
  const { redis, runner, settings, logger } = deps;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let sequence = 0;
  const roundId = () => `${deps.replicaId}#${++sequence}`;
  const overRate = RateLimitedTokens({
    holdMs: RATE_LIMITED_HOLD_MS,
    maxTokens: RATE_LIMITED_MAX_TOKENS,
  });

  const scheduleTrailing = (windowId: string, inMs: number, reporter: string, attempt: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void claimTrailing(windowId, reporter, attempt);
    }, inMs + 1);
    timers.add(timer);
  };

  const claimTrailing = async (windowId: string, reporter: string, attempt: number) => {
    if (stopped) return;
    try {
      const id = roundId();
      const reply = (await claimTrailingRoundScript.run(
        redis,
        [RedisKeys.healthProbeWindow, RedisKeys.healthProbeTrailing],
        [windowId, id, settings.coalesceWindowMs],
      )) as number[];
      if (reply[0] === 1) {
        logger.info(
          { reporter },
          'suspect reports joined a round that may predate their fault: trailing probe of every node',
        );
        runner.startRound({
          trigger: 'suspect',
          reporter,
          window: { id, ms: settings.coalesceWindowMs },
        });
      } else if (reply[0] === 2 && attempt < MAX_TRAILING_ATTEMPTS) {
        scheduleTrailing(windowId, Number(reply[1]), reporter, attempt + 1);
      }
    } catch (error) {
      logger.warn({ err: error }, 'cannot claim the trailing probe round');
    }
  };

  return {
    async report(report, token) {
      if (overRate.isLimited(token, Date.now())) {
        logger.debug({ ...report, decision: 'RATE_LIMITED' }, 'suspect report');
        return 'RATE_LIMITED';
      }
      const id = roundId();
      const reply = (await admitSuspectReportScript.run(
        redis,
        [
          RedisKeys.healthReporterRate(token),
          RedisKeys.healthProbeWindow,
          RedisKeys.healthProbeTrailing,
        ],
        [settings.rateLimit, settings.rateWindowMs, settings.coalesceWindowMs, id],
      )) as Array<number | string>;
      switch (reply[0]) {
        case 1:
          logger.info({ ...report, token }, 'suspect report: probing every node');
          runner.startRound({
            trigger: 'suspect',
            reporter: report.reporter,
            window: { id, ms: settings.coalesceWindowMs },
          });
          return 'STARTED';
        case 2:
          if (reply.length === 3)
            scheduleTrailing(String(reply[1]), Number(reply[2]), report.reporter, 1);
          logger.debug({ ...report, decision: 'JOINED' }, 'suspect report');
          return 'JOINED';
        case 3:
          overRate.limited(token, Date.now(), reply.length > 1 ? Number(reply[1]) : undefined);
          logger.debug({ ...report, decision: 'RATE_LIMITED' }, 'suspect report');
          return 'RATE_LIMITED';
        default:
          throw new Error(`admit-suspect-report answered ${JSON.stringify(reply)}`);
      }
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
