import type { Redis } from 'ioredis';
import {
  readDesiredConfig,
  readDesiredSummary,
  type DesiredConfig,
  type DesiredSummary,
} from './desired-config.js';

/** The desired config this replica last read or wrote, read again only when it changed. */
export type DesiredCache = {
  /** The desired config now (its summary is read in Redis; the file only when it changed). */
  read(redis: Redis): Promise<DesiredConfig | undefined>;
  /** This replica just wrote `desired`. */
  note(desired: DesiredConfig): void;
};

/**
 * Keeps one desired config (its file as the render's chunks) so that a push cycle does not
 * read megabytes from Redis to learn that nothing changed: the summary (epoch, revision,
 * hash, time: decoded in Redis) says whether the kept one is still the recorded one.
 */
export function DesiredCache(): DesiredCache {
  let kept: DesiredConfig | undefined;
  return {
    async read(redis) {
      const summary = await readDesiredSummary(redis);
      if (summary === undefined) return (kept = undefined);
      if (kept !== undefined && sameRecord(kept, summary)) return kept;
      return (kept = await readDesiredConfig(redis));
    },
    note(desired) {
      kept = desired;
    },
  };
}

function sameRecord(a: DesiredSummary, b: DesiredSummary): boolean {
  return a.epoch === b.epoch && a.revision === b.revision && a.hash === b.hash && a.time === b.time;
}
