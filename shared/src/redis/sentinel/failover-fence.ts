/** Thrown to a write that waited for a failover longer than it may (maps to UNAVAILABLE). */
export class FailoverInProgressError extends Error {
  override readonly name = 'FailoverInProgressError';
}

/**
 * Holds writes while Sentinel replaces the master: a write sent to a master that is
 * being demoted can be accepted there and then discarded when it resyncs. Closed by
 * the first sign of a failover, opened once the connection is ready on the new master
 * (or the failover was aborted). `generation` grows each time it closes, so a write
 * that began before can tell that it raced a failover. It never stays closed longer
 * than `maxClosedMs` (a lost `+switch-master` must not stop writes for good): it then
 * opens by itself and tells `onExpired`.
 */
export type FailoverFence = {
  readonly closed: boolean;
  readonly generation: number;
  /** Why it is closed now (a Sentinel event name), or undefined when open. */
  readonly reason: string | undefined;
  close(reason: string): void;
  open(): void;
  /** Resolves when open (at once if it is); rejects after `timeoutMs` otherwise. */
  whenOpen(timeoutMs: number): Promise<void>;
};

export function FailoverFence(options: {
  maxClosedMs: number;
  onExpired?: (reason: string, closedMs: number) => void;
}): FailoverFence {
  let reason: string | undefined;
  let generation = 0;
  let closedAt = 0;
  let expiry: NodeJS.Timeout | undefined;
  const waiters = new Set<() => void>();

  const open = () => {
    if (reason === undefined) return;
    reason = undefined;
    clearTimeout(expiry);
    for (const wake of [...waiters]) wake();
    waiters.clear();
  };

  return {
    get closed() {
      return reason !== undefined;
    },
    get generation() {
      return generation;
    },
    get reason() {
      return reason;
    },
    close(why) {
      if (reason !== undefined) {
        reason = why;
        return;
      }
      reason = why;
      generation += 1;
      closedAt = Date.now();
      expiry = setTimeout(() => {
        const was = reason ?? why;
        open();
        options.onExpired?.(was, Date.now() - closedAt);
      }, options.maxClosedMs);
      expiry.unref();
    },
    open,
    whenOpen(timeoutMs) {
      if (reason === undefined) return Promise.resolve();
      const why = reason;
      return new Promise<void>((resolve, reject) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new FailoverInProgressError(
              `Redis failover in progress (${why}): write held ${timeoutMs} ms without a new master`,
            ),
          );
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}
