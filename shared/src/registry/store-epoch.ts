import { randomBytes } from 'node:crypto';

/**
 * The registry's revision counts changes within one *store epoch*: an id created once per
 * Redis dataset, atomically, by the first write that finds none (see
 * `STORE_EPOCH_LUA`). A dataset that lost its data (FLUSHALL, a restart without
 * persistence) gets a new epoch, and its revisions start again from 1. So whoever
 * compares revisions (nodes, config-push, watchers) compares (epoch, revision).
 *
 * An epoch reads `<creation ms of the Redis clock>-<16 hex digits>`: epochs are ordered by
 * creation time (then by the random part), so a node refuses an older epoch (a stalled
 * pusher of the lost dataset) and accepts a newer one. '' is "no epoch" (a dataset
 * written before epochs existed, or an empty one): older than every epoch.
 */
export type StoreStamp = { readonly epoch: string; readonly revision: number };

const EPOCH_FORMAT = /^(\d{1,15})-([0-9a-f]{16})$/;

/** True for a well-formed epoch id (never '' ). */
export function isStoreEpoch(text: string): boolean {
  return EPOCH_FORMAT.test(text);
}

/** The random part the caller offers the epoch-creating scripts (used only when no epoch exists). */
export function epochSeed(): string {
  return randomBytes(8).toString('hex');
}

/** Creation time of the epoch in ms of the Redis clock; -1 for '' or anything malformed. */
export function epochCreatedMs(epoch: string): number {
  const match = EPOCH_FORMAT.exec(epoch);
  return match ? Number(match[1]) : -1;
}

/** <0 when `a` is older than `b`, 0 when the same, >0 when newer. */
export function compareEpochs(a: string, b: string): number {
  if (a === b) return 0;
  const am = epochCreatedMs(a);
  const bm = epochCreatedMs(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return a < b ? -1 : 1;
}

/** Orders (epoch, revision): a newer epoch wins whatever its revision; within one, the revision decides. */
export function compareStamps(a: StoreStamp, b: StoreStamp): number {
  const epochs = compareEpochs(a.epoch, b.epoch);
  if (epochs !== 0) return epochs;
  return a.revision - b.revision;
}
