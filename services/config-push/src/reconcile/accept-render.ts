import { ensureStoreEpochScript, epochSeed, readQuarantine, RedisKeys } from '@gateway/shared';
import { renderWithoutQuarantined } from '../quarantine/render-without-quarantined.js';
import { checkRender, type Refusal } from '../render/render-guard.js';
import { writeDesiredConfig, type DesiredConfig } from '../state/desired-config.js';
import { LostLeaseError, stillHolding, type CycleDeps } from './cycle-types.js';

/**
 * Renders the registry, guards the render (no instance at all, sudden drop) and, when it
 * passes and differs from the desired config, records it as the new desired config,
 * fenced by the lease term. A refused render leaves the desired config as it was (the
 * nodes keep being reconciled to it) and raises an alert.
 */
export async function acceptRender(
  deps: CycleDeps,
  force: boolean,
): Promise<{
  registryRevision: number;
  registryEpoch: string;
  desired: DesiredConfig | undefined;
  refusal: Refusal | undefined;
}> {
  const { redis, alerts, settings, logger, startTerm } = deps;
  const [desired, quarantine] = await Promise.all([
    deps.desiredCache.read(redis),
    readQuarantine(redis),
  ]);
  let { registry, guardServers } = await renderWithoutQuarantined(
    redis,
    quarantine,
    desired?.content,
  );
  if (registry.epoch === '' && registry.read > 0) {
    // Instances written before store epochs existed: give the dataset its epoch now.
    await ensureStoreEpochScript.run(redis, [RedisKeys.instancesEpoch], [epochSeed()]);
    ({ registry, guardServers } = await renderWithoutQuarantined(
      redis,
      quarantine,
      desired?.content,
    ));
  }
  const { file: render, excluded, invalid } = registry;
  const snapshot = { epoch: registry.epoch, revision: registry.revision };
  if (invalid.length === 0) {
    alerts.resolve({
      key: 'render:invalid-instances',
      kind: 'invalid_instances',
      message: 'every instance in Redis passes validation again',
      revision: snapshot.revision,
    });
  } else {
    alerts.fire({
      key: 'render:invalid-instances',
      kind: 'invalid_instances',
      message: `${invalid.length} instance(s) in Redis fail validation and are not rendered: ${invalid
        .map((entry) => entry.id)
        .slice(0, 5)
        .join(', ')}`,
      revision: snapshot.revision,
    });
  }
  if (render.skipped.length > 0)
    logger.error({ skipped: render.skipped }, 'instances left out of the render');
  if (excluded.length > 0) logger.debug({ excluded }, 'quarantined instances left out');
  if (desired) deps.epochs.observe(desired.epoch, snapshot.epoch, 'the last accepted config');
  // Across a store epoch change the last accepted config is no baseline (it was lost with
  // the data, or belongs to the old dataset): the nodes' own reports are (epoch-check.ts).
  const sameEpoch = desired !== undefined && desired.epoch === snapshot.epoch;
  const refusal = checkRender({
    servers: render.servers,
    quarantinedServers: guardServers - render.servers,
    bytes: render.bytes,
    maxBytes: settings.maxConfigBytes,
    previousServers: sameEpoch ? desired.servers : undefined,
    force,
    minShare: settings.dropGuardShare,
    minRemoved: settings.dropGuardMinRemoved,
  });
  for (const kind of ['drop_guard', 'all_instances_gone', 'config_too_large'] as const) {
    if (refusal?.kind === kind) continue;
    alerts.resolve({
      key: `render:${kind}`,
      kind,
      message: `revision ${snapshot.revision}: the render is no longer refused (${kind})`,
      revision: snapshot.revision,
    });
  }
  if (refusal) {
    alerts.fire({
      key: `render:${refusal.kind}`,
      kind: refusal.kind,
      message: `revision ${snapshot.revision}: ${refusal.message}`,
      revision: snapshot.revision,
    });
    return { registryRevision: snapshot.revision, registryEpoch: snapshot.epoch, desired, refusal };
  }
  if (sameEpoch && desired.hash === render.hash && desired.revision >= snapshot.revision) {
    return { registryRevision: snapshot.revision, registryEpoch: snapshot.epoch, desired, refusal };
  }
  const candidate: DesiredConfig = {
    epoch: snapshot.epoch,
    revision: snapshot.revision,
    hash: render.hash,
    content: render.chunks,
    servers: render.servers,
    groups: render.groups,
    time: Date.now(),
    fence: startTerm.fence,
  };
  if (!stillHolding(deps))
    throw new LostLeaseError('lost the push lease before recording the render');
  const written = await writeDesiredConfig(redis, startTerm.value, candidate);
  if (written === 'fenced') throw new LostLeaseError('another replica holds the push lease');
  if (written === 'older')
    return {
      registryRevision: snapshot.revision,
      registryEpoch: snapshot.epoch,
      desired: await deps.desiredCache.read(redis),
      refusal,
    };
  deps.desiredCache.note(candidate);
  if (desired?.hash !== render.hash) {
    logger.info(
      {
        revision: candidate.revision,
        hash: candidate.hash,
        servers: candidate.servers,
        groups: candidate.groups,
      },
      'new desired config',
    );
  }
  return {
    registryRevision: snapshot.revision,
    registryEpoch: snapshot.epoch,
    desired: candidate,
    refusal,
  };
}
