/**
 * Puts a chunked snapshot back together: feed it each snapshot chunk in order; it returns
 * the whole snapshot once the chunk without `more` arrived, and undefined before. A chunk
 * of another revision than the one being assembled starts afresh (the server began a new
 * snapshot). A client applies nothing of a snapshot until it is whole.
 */
export type SnapshotAssembler<T> = {
  add(
    revision: number,
    items: readonly T[],
    more: boolean,
  ): { revision: number; items: T[] } | undefined;
  /** True while chunks of an unfinished snapshot are held. */
  readonly assembling: boolean;
};

export function SnapshotAssembler<T>(): SnapshotAssembler<T> {
  let pending: { revision: number; items: T[] } | undefined;
  return {
    add(revision, items, more) {
      if (pending === undefined || pending.revision !== revision) pending = { revision, items: [] };
      for (const item of items) pending.items.push(item);
      if (more) return undefined;
      const whole = pending;
      pending = undefined;
      return whole;
    },
    get assembling() {
      return pending !== undefined;
    },
  };
}
