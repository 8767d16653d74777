import type { Redis } from 'ioredis';
import { RedisKeys, scanInstances } from '@gateway/shared';
import { UpstreamRender, type RenderedFile } from './upstream-render.js';

/** The registry rendered: the file, and what it was read at and left out. */
export type RegistryRender = {
  /** The store epoch the revision counts in ('' while the dataset has none). */
  readonly epoch: string;
  /** The registry revision when the read began (as readInstanceSnapshot's). */
  readonly revision: number;
  readonly file: RenderedFile;
  /** Instances in Redis that fail validation: never rendered. */
  readonly invalid: ReadonlyArray<{ id: string; error: string }>;
  /** Ids of the instances left out because `leftOut` holds them (the quarantine). */
  readonly excluded: readonly string[];
  /** Instances read (rendered, skipped, excluded or invalid). */
  readonly read: number;
};

/**
 * Renders every registered instance but those `leftOut` holds, reading the registry page by
 * page without metadata (scanInstances): only one page of instances is held at a time, and
 * each instance is kept as its `server` line until the file is written (UpstreamRender).
 */
export async function renderRegistry(
  redis: Redis,
  leftOut: ReadonlyMap<string, unknown>,
): Promise<RegistryRender> {
  const epoch = (await redis.get(RedisKeys.instancesEpoch)) ?? '';
  const render = UpstreamRender();
  const invalid: Array<{ id: string; error: string }> = [];
  const excluded: string[] = [];
  let revision: number | undefined;
  let read = 0;
  for await (const page of scanInstances(redis, { group: '', metadata: false })) {
    revision ??= page.revision;
    for (const entry of page.entries) {
      if (entry.instance) {
        read += 1;
        if (leftOut.has(entry.id)) excluded.push(entry.id);
        else render.add(entry.instance);
      } else if (entry.error !== undefined) {
        read += 1;
        invalid.push({ id: entry.id, error: entry.error });
      }
    }
  }
  return { epoch, revision: revision ?? 0, file: render.finish(), invalid, excluded, read };
}
