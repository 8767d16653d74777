import type { Redis } from 'ioredis';
import { ServerError, Status, type ServiceImplementation } from 'nice-grpc';
import type { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  callerIdentity,
  type ChannelFeed,
  noteTarget,
  instanceId,
  parseInstanceId,
  type QuarantineChange,
  type Logger,
  type RegistryChangeFeed,
} from '@gateway/shared';
import { readSelfPreservation } from '../eviction/self-preservation-state.js';
import type { HostPolicy } from '../policy/host-policy.js';
import type { RegistryStore } from '../store/registry-store.js';
import type { SnapshotGate } from '../watch/snapshot-gate.js';
import { watchInstances } from '../watch/watch-instances.js';
import { checkGroupScope, notOwner, storeCallerOf } from './caller-scope.js';
import { readListPage } from './list-page.js';
import { groupFilterFromRequest, pageSizeFromRequest } from './list-query.js';
import { decodePageToken } from './page-token.js';
import { registerRequestToSpec } from './request-mapping.js';
import { durationFromMs, instanceToProto, selfPreservationToProto } from './response-mapping.js';

export type RegistrySettings = {
  readonly lease: { defaultMs: number; minMs: number; maxMs: number };
  readonly selfPreservationShare: number;
  readonly selfPreservationWindowMs: number;
  readonly watchQueueLimit: number;
  /** No ListInstances page or WatchInstances message is encoded larger than this. */
  readonly maxMessageBytes: number;
  /** Which instance hosts Register accepts (REGISTRY_ALLOWED_HOSTS). */
  readonly hostPolicy: HostPolicy;
};

/** The RegistryService RPCs. Every request is validated before anything touches Redis. */
export function RegistryServiceImpl(deps: {
  redis: Redis;
  store: RegistryStore;
  feed: RegistryChangeFeed;
  /** Quarantine transitions published by config-push. */
  quarantineFeed: ChannelFeed<QuarantineChange>;
  settings: RegistrySettings;
  /** Bounds the WatchInstances snapshot chunks built at once (REGISTRY_WATCH_SNAPSHOT_*). */
  snapshotGate: SnapshotGate;
  shutdownSignal: AbortSignal;
  logger: Logger;
}): ServiceImplementation<RegistryServiceDefinition> {
  const { redis, store, settings, logger } = deps;
  return {
    async register(request, context) {
      const identity = callerIdentity(context);
      const { spec, leaseMs } = registerRequestToSpec(request, settings.lease);
      const id = instanceId(spec);
      noteTarget(context, `instance ${id}`);
      checkGroupScope(identity, spec.group);
      const hostRefusal = settings.hostPolicy.refusal(spec.host);
      if (hostRefusal)
        throw new ServerError(Status.PERMISSION_DENIED, `instance.host: ${hostRefusal}`);
      const result = await store.register(spec, leaseMs, storeCallerOf(identity));
      if ('refused' in result) {
        if (result.refused === 'not-owner') throw notOwner(id, identity, 'update');
        throw new ServerError(
          Status.RESOURCE_EXHAUSTED,
          `token "${identity.name}" already owns ${result.owned} instances, its quota of ${identity.quota ?? 0}: deregister one first`,
        );
      }
      if (result.outcome !== 'unchanged') {
        logger.info(
          {
            id: result.instance.id,
            outcome: result.outcome,
            revision: result.revision,
            token: identity.name,
          },
          'instance registered',
        );
      }
      return {
        instance: instanceToProto(result.instance),
        created: result.outcome === 'registered',
        revision: result.revision,
      };
    },

    async heartbeat(request, context) {
      const identity = callerIdentity(context);
      const id = parseInstanceId('instance_id', request.instanceId);
      const result = await store.heartbeat(id, storeCallerOf(identity));
      if (!result.found) {
        if (result.reason === 'not-owner') throw notOwner(id, identity, 'heartbeat');
        throw new ServerError(
          Status.NOT_FOUND,
          result.reason === 'expired'
            ? `instance ${id}: lease expired, register again`
            : `instance ${id} is not registered, register again`,
        );
      }
      return {
        leaseExpireTime: new Date(result.leaseExpireTime),
        leaseDuration: durationFromMs(result.leaseMs),
      };
    },

    async deregister(request, context) {
      const identity = callerIdentity(context);
      const id = parseInstanceId('instance_id', request.instanceId);
      noteTarget(context, `instance ${id}`);
      const revision = await store.deregister(id, storeCallerOf(identity));
      if (revision === 'not-owner') throw notOwner(id, identity, 'deregister');
      if (revision === undefined)
        throw new ServerError(Status.NOT_FOUND, `instance ${id} is not registered`);
      logger.info({ id, revision, token: identity.name }, 'instance deregistered');
      return { revision };
    },

    async listInstances(request) {
      const group = groupFilterFromRequest(request.group);
      const pageSize = pageSizeFromRequest(request.pageSize);
      const after = decodePageToken(request.pageToken, group) ?? '';
      const [page, preservation] = await Promise.all([
        readListPage(
          redis,
          { group, after, pageSize, maxMessageBytes: settings.maxMessageBytes },
          logger,
        ),
        readSelfPreservation(redis),
      ]);
      return {
        ...page,
        selfPreservation: selfPreservationToProto(
          preservation,
          settings.selfPreservationShare,
          settings.selfPreservationWindowMs,
        ),
      };
    },

    async *watchInstances(request, context) {
      const group = groupFilterFromRequest(request.group);
      yield* watchInstances({
        redis,
        feed: deps.feed,
        quarantineFeed: deps.quarantineFeed,
        group,
        queueLimit: settings.watchQueueLimit,
        chunked: request.chunkedSnapshots,
        maxMessageBytes: settings.maxMessageBytes,
        snapshotGate: deps.snapshotGate,
        signal: AbortSignal.any([context.signal, deps.shutdownSignal]),
        logger,
      });
    },
  };
}
