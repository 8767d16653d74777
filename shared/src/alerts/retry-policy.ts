/** How a failed delivery is retried: exponential backoff between bounds, each attempt bounded. */
export type RetryPolicy = {
  /** One delivery attempt's bound. */
  readonly attemptTimeoutMs: number;
  /** Wait after the first failed attempt; doubles with each further one. */
  readonly retryMinMs: number;
  /** The longest wait between two attempts. */
  readonly retryMaxMs: number;
};

/** The wait after `deliveries` attempts failed (1 → retryMin, 2 → 2 × retryMin, … up to retryMax). */
export function retryBackoffMs(policy: RetryPolicy, deliveries: number): number {
  const exponent = Math.min(Math.max(deliveries, 1) - 1, 30);
  return Math.min(policy.retryMaxMs, policy.retryMinMs * 2 ** exponent);
}

/**
 * How long an outbox entry must have been idle (no attempt started on it) before any
 * replica may try it again: the attempt bound (an attempt still running is never
 * doubled) plus the backoff of its delivery count. The count and idle time live in
 * the stream's pending entries list, so the backoff survives restarts and moves with
 * the entry to another replica.
 */
export function retryIdleMs(policy: RetryPolicy, deliveries: number): number {
  return policy.attemptTimeoutMs + retryBackoffMs(policy, deliveries);
}

/**
 * True when a pending entry with `deliveries` attempts, idle for `idleMs`, is due again.
 * `handoffMs` is added for the replica whose own attempt failed: the other replicas get
 * that window to take the entry over first, so a replica that cannot reach a sink (its
 * network, its egress proxy) does not hold alerts another replica could deliver at once.
 * Alone, it still retries, `handoffMs` later.
 */
export function retryDue(
  policy: RetryPolicy,
  deliveries: number,
  idleMs: number,
  handoffMs = 0,
): boolean {
  return idleMs >= retryIdleMs(policy, deliveries) + handoffMs;
}
