/** A seeded pseudo-random source (mulberry32): the same seed gives the same fuzz cases. */
export type SeededRandom = {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  below(max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `length` random bytes. */
  bytes(length: number): Buffer;
};

export function SeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (max: number) => Math.floor(next() * max);
  return {
    next,
    below,
    pick: (items) => items[below(items.length)],
    bytes: (length) => {
      const out = Buffer.allocUnsafe(length);
      for (let index = 0; index < length; index += 1) out[index] = below(256);
      return out;
    },
  };
}
