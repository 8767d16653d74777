/** Bytes of a protobuf varint holding `value` (a non-negative integer). */
export function varintSize(value: number): number {
  let size = 1;
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) size += 1;
  return size;
}

/**
 * Bytes that one element of a repeated message field adds to the enclosing message: its
 * tag (one byte for field numbers below 16), its length as a varint, and its payload.
 */
export function repeatedElementSize(payloadBytes: number): number {
  return 1 + varintSize(payloadBytes) + payloadBytes;
}

/**
 * Groups items into chunks whose summed sizes stay within a budget, in order. `add`
 * returns the chunk that is full when the next item would not fit (the item then opens
 * the next chunk); `take` returns what is pending (maybe nothing) and starts afresh.
 */
export type SizeBoundedChunker<T> = {
  add(item: T, bytes: number): T[] | undefined;
  take(): T[];
  readonly pendingBytes: number;
};

export function SizeBoundedChunker<T>(budgetBytes: number): SizeBoundedChunker<T> {
  let pending: T[] = [];
  let pendingBytes = 0;
  return {
    add(item, bytes) {
      if (bytes > budgetBytes) {
        throw new RangeError(
          `one item of ${bytes} bytes exceeds the chunk budget of ${budgetBytes}`,
        );
      }
      let full: T[] | undefined;
      if (pendingBytes + bytes > budgetBytes) {
        full = pending;
        pending = [];
        pendingBytes = 0;
      }
      pending.push(item);
      pendingBytes += bytes;
      return full;
    },
    take() {
      const chunk = pending;
      pending = [];
      pendingBytes = 0;
      return chunk;
    },
    get pendingBytes() {
      return pendingBytes;
    },
  };
}
