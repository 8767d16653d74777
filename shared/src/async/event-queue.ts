import { AbortError } from 'abort-controller-x';

/**
 * An unbounded-until-`limit` queue consumed by one async iterator. When more than
 * `limit` items wait, they are dropped and the consumer gets `overflow` instead, so
 * a slow consumer costs bounded memory and learns that it must resynchronize.
 */
export type EventQueue<Item> = {
  push(item: Item): void;
  /** Yields items (or the overflow marker) until `signal` aborts, then returns. */
  drain(signal: AbortSignal): AsyncGenerator<Item | typeof OVERFLOW, void, undefined>;
};

export const OVERFLOW: unique symbol = Symbol('overflow');

export function EventQueue<Item>(limit: number): EventQueue<Item> {
  let items: Item[] = [];
  let overflowed = false;
  let wake: (() => void) | undefined;
  return {
    push(item) {
      if (overflowed) return;
      if (items.length >= limit) {
        items = [];
        overflowed = true;
      } else {
        items.push(item);
      }
      wake?.();
    },
    async *drain(signal) {
      const onAbort = () => wake?.();
      signal.addEventListener('abort', onAbort);
      try {
        while (!signal.aborted) {
          if (overflowed) {
            overflowed = false;
            yield OVERFLOW;
            continue;
          }
          const item = items.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Rejects with AbortError when the signal is already aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortError();
}
