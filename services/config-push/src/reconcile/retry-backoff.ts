/** When a node whose push failed is tried again: exponential backoff with jitter, per node and content. */
export type RetryBackoff = {
  /** A push to `ip` started: its retry is no longer due (the push's end decides what comes next). */
  started(ip: string): void;
  failed(ip: string, hash: string, now: number): number;
  succeeded(ip: string): void;
  /** Do not push `hash` to `ip` before `at` (a held-back push); a different content does not wait. */
  deferUntil(ip: string, hash: string, at: number): void;
  /** Whether `ip` must wait before pushing `hash` again (a different content never waits). */
  waiting(ip: string, hash: string, now: number): boolean;
  /** The earliest retry time, or undefined. */
  nextDue(): number | undefined;
  /** Nodes whose retry is due at `now`. */
  due(now: number): string[];
};

export function RetryBackoff(
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): RetryBackoff {
  const state = new Map<string, { failures: number; hash: string; nextAt: number }>();
  return {
    started(ip) {
      const entry = state.get(ip);
      if (entry) entry.nextAt = Number.POSITIVE_INFINITY;
    },
    failed(ip, hash, now) {
      const failures = (state.get(ip)?.failures ?? 0) + 1;
      const base = Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 30));
      const nextAt = now + Math.round(base * (0.8 + 0.4 * random()));
      state.set(ip, { failures, hash, nextAt });
      return nextAt;
    },
    succeeded(ip) {
      state.delete(ip);
    },
    deferUntil(ip, hash, at) {
      state.set(ip, { failures: state.get(ip)?.failures ?? 0, hash, nextAt: at });
    },
    waiting(ip, hash, now) {
      const entry = state.get(ip);
      return entry !== undefined && entry.hash === hash && entry.nextAt > now;
    },
    nextDue() {
      let earliest: number | undefined;
      for (const entry of state.values()) {
        if (Number.isFinite(entry.nextAt) && (earliest === undefined || entry.nextAt < earliest))
          earliest = entry.nextAt;
      }
      return earliest;
    },
    due(now) {
      return [...state.entries()].filter(([, entry]) => entry.nextAt <= now).map(([ip]) => ip);
    },
  };
}
