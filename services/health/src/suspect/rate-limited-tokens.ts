/**
 * Tokens this replica has seen RATE_LIMITED, until when: while a token is over its
 * suspect-report rate, its further reports are answered RATE_LIMITED here, without a
 * Redis round trip, for at most `holdMs` (and never past the end of the token's rate
 * window as Redis reported it). So a storm from a token over its limit costs each
 * replica at most one Redis call per token per `holdMs`; a report that would have been
 * admitted again waits at most `holdMs` longer, shorter than a coalescing window.
 */
export type RateLimitedTokens = {
  /** True while `token` is known to be over its rate at `now`. */
  isLimited(token: string, now: number): boolean;
  /** Remember that Redis answered RATE_LIMITED, with `windowLeftMs` left in the rate window. */
  limited(token: string, now: number, windowLeftMs: number | undefined): void;
};

export function RateLimitedTokens(options: {
  holdMs: number;
  maxTokens: number;
}): RateLimitedTokens {
  const until = new Map<string, number>();
  return {
    isLimited(token, now) {
      const end = until.get(token);
      if (end === undefined) return false;
      if (now < end) return true;
      until.delete(token);
      return false;
    },
    limited(token, now, windowLeftMs) {
      const hold =
        windowLeftMs === undefined || !(windowLeftMs > 0)
          ? options.holdMs
          : Math.min(options.holdMs, windowLeftMs);
      // Bounded: the oldest entry goes first (Map keeps insertion order).
      until.delete(token);
      if (until.size >= options.maxTokens) {
        const oldest = until.keys().next();
        if (!oldest.done) until.delete(oldest.value);
      }
      until.set(token, now + hold);
    },
  };
}
