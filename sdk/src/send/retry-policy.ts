/** How the send client retries a request that failed at the network level. */
export type RetryPolicy = {
  /** Attempts in total, the first included (default 12). 1 disables retries. */
  readonly maxAttempts: number;
  /** First backoff (default 100 ms); doubles per retry up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  /** Cap of one backoff (default 800 ms). */
  readonly maxDelayMs: number;
  /**
   * No new attempt starts once this much time has passed since the first one
   * (default 6,000 ms): long enough to ride out a VIP takeover (3 × advert_int +
   * skew ≈ 3.5 s at advert_int 1, plus the track script's fall time).
   */
  readonly budgetMs: number;
  /** HTTP methods retried without the caller saying so (RFC 9110 idempotent methods). */
  readonly idempotentMethods: ReadonlySet<string>;
  /** Statuses retried for idempotent requests (default none: a status is the backend's answer). */
  readonly retryStatuses: ReadonlySet<number>;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 12,
  baseDelayMs: 100,
  maxDelayMs: 800,
  budgetMs: 6_000,
  idempotentMethods: new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']),
  retryStatuses: new Set<number>(),
});

/**
 * The wait before retry number `retry` (1 for the first retry): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that many clients
 * failing together do not retry in lock-step, yet each still waits a while.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
