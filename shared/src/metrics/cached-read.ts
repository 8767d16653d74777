/**
 * Shares one read between the collectors of a scrape: prom-client collects every metric
 * at once, and several gauges come from the same Redis read. A read is shared while it
 * runs and for `ttlMs` after it ended (keep this short: a later scrape must see fresh
 * figures); it is bounded by `timeoutMs`. A failed or late read yields undefined and is
 * reported to `onError`; the next scrape reads again.
 */
export function cachedRead<T>(
  read: () => Promise<T>,
  options: { ttlMs: number; timeoutMs: number; onError: (error: unknown) => void },
): () => Promise<T | undefined> {
  let shared: Promise<T | undefined> | undefined;
  let endedAt: number | undefined;
  return () => {
    if (shared && (endedAt === undefined || Date.now() - endedAt < options.ttlMs)) return shared;
    let timer: NodeJS.Timeout | undefined;
    endedAt = undefined;
    const current: Promise<T | undefined> = Promise.race([
      read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      }),
    ]).then(
      (result) => result,
      (error: unknown) => {
        options.onError(error);
        return undefined;
      },
    );
    shared = current;
    void current.finally(() => {
      clearTimeout(timer);
      if (shared === current) endedAt = Date.now();
    });
    return current;
  };
}
