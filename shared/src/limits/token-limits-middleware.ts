import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { Logger } from 'pino';
import { callNoteOf } from '../grpc/call-note.js';
import { RETRY_AFTER_METADATA } from './retry-after.js';
import { TokenBuckets } from './token-bucket.js';

/** Per-token limits of one process (GATEWAY_TOKEN_RATE, GATEWAY_TOKEN_BURST, GATEWAY_TOKEN_MAX_STREAMS). */
export type TokenLimits = {
  /** Sustained requests per second per token, over the rate-limited RPCs together. */
  readonly perSecond: number;
  readonly burst: number;
  /** Concurrent server streams (Watch*) per token. */
  readonly maxStreams: number;
};

const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Runs after the auth middleware: the rate-limited RPCs (`limitedPaths`) of one token
 * share a token bucket; over it, the call is answered RESOURCE_EXHAUSTED before any work,
 * with the wait in the message and in the trailer `retry-after-ms`. Server streams of one
 * token are capped at `maxStreams` at once. Keyed on the token's name, so a token shared
 * by many clients shares its budget; other tokens are untouched. Refusals are logged as
 * a count per token at most every 10 s (a flood must not become a flood of log lines).
 */
export function tokenLimitsMiddleware(
  limits: TokenLimits,
  limitedPaths: ReadonlySet<string>,
  logger: Logger,
): ServerMiddleware {
  const buckets = TokenBuckets({ perSecond: limits.perSecond, burst: limits.burst });
  const streams = new Map<string, number>();
  // Per token: refusals since the last line, and when that line was written.
  const refusals = new Map<string, { count: number; loggedAt: number }>();
  const countRefusal = (name: string, what: string) => {
    const now = Date.now();
    const entry = refusals.get(name) ?? { count: 0, loggedAt: -Infinity };
    entry.count += 1;
    refusals.set(name, entry);
    if (now - entry.loggedAt >= REFUSAL_LOG_INTERVAL_MS) {
      logger.warn(
        { token: name, refused: entry.count, limit: what, everyMs: REFUSAL_LOG_INTERVAL_MS },
        'token over its limit: calls refused with RESOURCE_EXHAUSTED (count since the last such line)',
      );
      entry.count = 0;
      entry.loggedAt = now;
    }
  };
  return async function* limit(call, context) {
    const name = callNoteOf(context)?.identity?.name;
    if (name === undefined) return yield* call.next(call.request, context);
    if (limitedPaths.has(call.method.path)) {
      const waitMs = buckets.take(name);
      if (waitMs > 0) {
        context.trailer.set(RETRY_AFTER_METADATA, String(waitMs));
        countRefusal(name, 'rate');
        throw new ServerError(
          Status.RESOURCE_EXHAUSTED,
          `token "${name}" is over its rate of ${limits.perSecond} requests/s (burst ${limits.burst}) for mutating calls: retry after ${waitMs} ms`,
        );
      }
    }
    if (!call.method.responseStream) return yield* call.next(call.request, context);
    const open = streams.get(name) ?? 0;
    if (open >= limits.maxStreams) {
      countRefusal(name, 'streams');
      throw new ServerError(
        Status.RESOURCE_EXHAUSTED,
        `token "${name}" already has ${open} streams open (the most per token is ${limits.maxStreams})`,
      );
    }
    streams.set(name, open + 1);
    try {
      return yield* call.next(call.request, context);
    } finally {
      const left = (streams.get(name) ?? 1) - 1;
      if (left <= 0) streams.delete(name);
      else streams.set(name, left);
    }
  };
}

/** The limits from the common configuration. */
export function tokenLimitsFromConfig(config: {
  GATEWAY_TOKEN_RATE: number;
  GATEWAY_TOKEN_BURST: number;
  GATEWAY_TOKEN_MAX_STREAMS: number;
}): TokenLimits {
  return {
    perSecond: config.GATEWAY_TOKEN_RATE,
    burst: config.GATEWAY_TOKEN_BURST,
    maxStreams: config.GATEWAY_TOKEN_MAX_STREAMS,
  };
}
