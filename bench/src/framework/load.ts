import { since } from './stats.js';

export type LoadFigures = {
  readonly calls: number;
  readonly perSecond: number;
  /** Latency of each call, ms. */
  readonly latencies: readonly number[];
};

/**
 * Keeps `callers` concurrent callers calling `call` back to back for `durationMs`
 * (each caller's call in flight at the deadline still counts). A failed call throws:
 * a benchmark breaks when a call fails, it does not count the failure as throughput.
 */
export async function closedLoop(
  callers: number,
  durationMs: number,
  call: (index: number) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline && !signal?.aborted) {
        const t0 = performance.now();
        await call(next++);
        latencies.push(since(t0));
      }
    }),
  );
  signal?.throwIfAborted();
  return {
    calls: latencies.length,
    perSecond: latencies.length / (since(start) / 1000),
    latencies,
  };
}

/**
 * Sends `total` calls at a steady pace over `durationMs` (open loop: a slow answer does
 * not slow the sender), in batches every `tickMs`; resolves with the latency of every call
 * that succeeded, and the count and first message of those that failed (a saturated
 * server's timeouts are a finding to report, not a broken benchmark).
 */
export async function openLoop(
  total: number,
  durationMs: number,
  call: (index: number) => Promise<unknown>,
  signal?: AbortSignal,
  tickMs = 20,
): Promise<{
  latencies: number[];
  failed: number;
  firstError: string | undefined;
  issuedMs: number;
  answeredMs: number;
}> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const calls: Array<Promise<void>> = [];
  const start = performance.now();
  const ticks = Math.max(1, Math.round(durationMs / tickMs));
  let sent = 0;
  for (let tick = 1; tick <= ticks && !signal?.aborted; tick++) {
    const until = Math.round((tick / ticks) * total);
    for (; sent < until; sent++) {
      const t0 = performance.now();
      calls.push(
        call(sent).then(
          () => void latencies.push(since(t0)),
          (error: unknown) => {
            failed += 1;
            firstError ??= error instanceof Error ? error.message : String(error);
          },
        ),
      );
    }
    const wait = start + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const issuedMs = since(start);
  await Promise.all(calls);
  signal?.throwIfAborted();
  return { latencies, failed, firstError, issuedMs, answeredMs: since(start) };
}
