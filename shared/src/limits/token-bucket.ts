/**
 * Token buckets keyed by a name (a bearer token's name): each holds up to `burst`
 * requests and refills at `perSecond`. Memory is bounded: at most `maxKeys` buckets are
 * kept; a full bucket (one idle long enough to refill) is the same as none, so those are
 * dropped first, and when every bucket is busy the oldest-touched one goes.
 */
export type TokenBuckets = {
  /** Takes one request; 0 when allowed, else how many ms until one would be. */
  take(key: string, nowMs?: number): number;
  readonly size: number;
};

export function TokenBuckets(options: {
  perSecond: number;
  burst: number;
  maxKeys?: number;
}): TokenBuckets {
  const { perSecond, burst } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, now: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
    bucket.at = now;
  };
  const makeRoom = (now: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
    // Map iteration is insertion order; take() re-inserts on use, so the first is the oldest.
    while (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
  };
  return {
    get size() {
      return buckets.size;
    },
    take(key, now = performance.now()) {
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key);
        refill(bucket, now);
      } else {
        if (buckets.size >= maxKeys) makeRoom(now);
        bucket = { tokens: burst, at: now };
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / perSecond));
    },
  };
}
