/**
 * consul-template's `wait { min, max }`: after a change, act once nothing changed for
 * `minMs`, but never later than `maxMs` after the first change of the burst. A burst of
 * a thousand changes a second thus costs one render every `maxMs` at most.
 */
export type Quiescence = {
  /** A change happened at `now`. */
  mark(now: number): void;
  /** When to act, or undefined when nothing is pending. */
  dueAt(): number | undefined;
  /** The pending burst was handled. */
  clear(): void;
};

export function Quiescence(minMs: number, maxMs: number): Quiescence {
  let first: number | undefined;
  let last = 0;
  return {
    mark(now) {
      if (first === undefined) first = now;
      last = now;
    },
    dueAt() {
      return first === undefined ? undefined : Math.min(last + minMs, first + maxMs);
    },
    clear() {
      first = undefined;
    },
  };
}
