import type { Redis } from 'ioredis';
import { readQuarantine, type QuarantineEntry } from '@gateway/shared';
import { renderWithoutQuarantined } from '../quarantine/render-without-quarantined.js';
import { checkRender, type Refusal } from '../render/render-guard.js';
import type { RegistryRender } from '../render/render-registry.js';
import {
  readDesiredConfig,
  readDesiredSummary,
  type DesiredSummary,
} from '../state/desired-config.js';

/** The drop guard's and the size check's settings, as the pusher applies them. */
export type GuardSettings = {
  readonly dropGuardShare: number;
  readonly dropGuardMinRemoved: number;
  readonly maxConfigBytes: number;
};

export type RenderPreview = {
  /** The render, with the registry's epoch and revision and what it left out. */
  readonly registry: RegistryRender;
  /** The last accepted config (its file is only read when a quarantine needs it). */
  readonly desired: DesiredSummary | undefined;
  readonly quarantine: Map<string, QuarantineEntry>;
  /** What the guard would say of this render if it were pushed now (not forced). */
  readonly refusal: Refusal | undefined;
};

/**
 * What config-push would render now and whether its guard would let it through, without
 * recording anything: the registry without the quarantined instances, checked against the
 * last accepted config of the same store epoch (RenderConfig, GetPushStatus).
 */
export async function previewRender(redis: Redis, guard: GuardSettings): Promise<RenderPreview> {
  const [desired, quarantine] = await Promise.all([
    readDesiredSummary(redis),
    readQuarantine(redis),
  ]);
  // The last file only counts quarantined instances it had: not read without a quarantine.
  const previous =
    desired !== undefined && quarantine.size > 0
      ? (await readDesiredConfig(redis))?.content
      : undefined;
  const { registry, guardServers } = await renderWithoutQuarantined(redis, quarantine, previous);
  const { file } = registry;
  const refusal = checkRender({
    servers: file.servers,
    quarantinedServers: guardServers - file.servers,
    bytes: file.bytes,
    maxBytes: guard.maxConfigBytes,
    previousServers: desired?.epoch === registry.epoch ? desired.servers : undefined,
    force: false,
    minShare: guard.dropGuardShare,
    minRemoved: guard.dropGuardMinRemoved,
  });
  return { registry, desired, quarantine, refusal };
}
