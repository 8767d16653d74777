import type { Redis } from 'ioredis';
import { readInstanceSnapshot, readQuarantine, type QuarantineEntry } from '@gateway/shared';
import { renderWithoutQuarantined } from '../quarantine/render-without-quarantined.js';
import { checkRender, type Refusal } from '../render/render-guard.js';
import type { RenderedConfig } from '../render/render-upstreams.js';
import { readDesiredConfig, type DesiredConfig } from '../state/desired-config.js';

/** The drop guard's and the size check's settings, as the pusher applies them. */
export type GuardSettings = {
  readonly dropGuardShare: number;
  readonly dropGuardMinRemoved: number;
  readonly maxConfigBytes: number;
};

export type RenderPreview = {
  readonly snapshot: Awaited<ReturnType<typeof readInstanceSnapshot>>;
  readonly desired: DesiredConfig | undefined;
  readonly quarantine: Map<string, QuarantineEntry>;
  readonly render: RenderedConfig;
  /** What the guard would say of this render if it were pushed now (not forced). */
  readonly refusal: Refusal | undefined;
};

/**
 * What config-push would render now and whether its guard would let it through, without
 * recording anything: the registry without the quarantined instances, checked against the
 * last accepted config of the same store epoch (RenderConfig, GetPushStatus).
 */
export async function previewRender(redis: Redis, guard: GuardSettings): Promise<RenderPreview> {
  const [snapshot, desired, quarantine] = await Promise.all([
    readInstanceSnapshot(redis, { metadata: false }),
    readDesiredConfig(redis),
    readQuarantine(redis),
  ]);
  const { render, guardServers } = renderWithoutQuarantined(
    snapshot.instances,
    quarantine,
    desired?.content,
  );
  const refusal = checkRender({
    servers: render.servers,
    quarantinedServers: guardServers - render.servers,
    bytes: Buffer.byteLength(render.content),
    maxBytes: guard.maxConfigBytes,
    previousServers: desired?.epoch === snapshot.epoch ? desired.servers : undefined,
    force: false,
    minShare: guard.dropGuardShare,
    minRemoved: guard.dropGuardMinRemoved,
  });
  return { snapshot, desired, quarantine, render, refusal };
}
