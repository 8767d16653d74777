import type { Redis } from 'ioredis';
import { ServerError, Status, type ServiceImplementation } from 'nice-grpc';
import {
  PushOutcome,
  type ConfigPushServiceDefinition,
  type NodePushStatus,
} from '@gateway/proto/configpush';
import {
  alertDeliveryMessage,
  alertMessage,
  normalizeNodeIp,
  readRecentAlerts,
  recentAlertsQuery,
  readNodesWithStatus,
  RedisKeys,
  type Alerts,
  type Logger,
} from '@gateway/shared';
import { LostLeaseError, type CycleResult } from '../reconcile/push-cycle.js';
import type { Pusher } from '../reconcile/pusher.js';
import { readAppliedRecords, readAttemptRecords } from '../state/node-records.js';
import type { PushResultsHub } from './push-results-hub.js';
import { quarantineToProto } from './quarantine-mapping.js';
import { previewRender, type GuardSettings } from './render-preview.js';
import { renderConfigAnswer, streamChunkSize, streamRenderMessages } from './render-rpcs.js';
import { attemptToProto } from './response-mapping.js';

/** The ConfigPushService RPCs (admin only). */
export function ConfigPushServiceImpl(deps: {
  redis: Redis;
  pusher: () => Pusher | undefined;
  hub: PushResultsHub;
  alerts: Alerts;
  guard: GuardSettings;
  shutdownSignal: AbortSignal;
  logger: Logger;
}): ServiceImplementation<ConfigPushServiceDefinition> {
  const { redis, guard } = deps;
  return {
    async renderConfig() {
      return renderConfigAnswer(await previewRender(redis, guard));
    },

    async *streamRenderConfig(request) {
      const chunkSize = streamChunkSize(request);
      yield* streamRenderMessages(await previewRender(redis, guard), chunkSize);
    },

    async pushNow(request) {
      const onlyNode =
        request.nodeIp === '' ? undefined : normalizeNodeIp('node_ip', request.nodeIp);
      if (onlyNode !== undefined && (await redis.hexists(RedisKeys.nodes, onlyNode)) === 0) {
        throw new ServerError(Status.NOT_FOUND, `node ${onlyNode} is not in the inventory`);
      }
      const pusher = deps.pusher();
      if (!pusher) {
        const leader = (await redis.get(RedisKeys.pushLeader)) ?? '';
        throw new ServerError(
          Status.FAILED_PRECONDITION,
          leader === ''
            ? 'no replica holds the push lease yet: retry in a moment'
            : `this replica does not push: call the lease holder ${leader.split('|')[0]}`,
        );
      }
      let result: CycleResult;
      try {
        result = await pusher.pushNow({ force: request.force, onlyNode });
      } catch (error) {
        if (error instanceof LostLeaseError)
          throw new ServerError(
            Status.UNAVAILABLE,
            'this replica lost the push lease during the push: retry',
          );
        throw error;
      }
      const results = result.results.map(attemptToProto);
      if (result.refusal) {
        // Nothing of this revision was pushed; the nodes were only reconciled to the last accepted config.
        const kept = result.desired ? ` (nodes keep revision ${result.desired.revision})` : '';
        return {
          revision: result.registryRevision,
          contentHash: '',
          results: results.map((entry) => ({
            ...entry,
            outcome: PushOutcome.PUSH_OUTCOME_REFUSED,
            error: `${result.refusal!.message}${kept}`,
          })),
        };
      }
      return {
        revision: result.desired?.revision ?? 0,
        contentHash: result.desired?.hash ?? '',
        results,
      };
    },

    async getPushStatus() {
      const [{ nodes }, applied, attempts, leader, preview, delivery] = await Promise.all([
        readNodesWithStatus(redis),
        readAppliedRecords(redis),
        readAttemptRecords(redis),
        redis.get(RedisKeys.pushLeader),
        previewRender(redis, guard),
        deps.alerts.status(),
      ]);
      const { registry, desired, quarantine, refusal } = preview;
      const statuses: NodePushStatus[] = nodes.map((node) => {
        const runs = applied.get(node.spec.ip);
        const last = attempts.get(node.spec.ip);
        return {
          nodeIp: node.spec.ip,
          appliedRevision: runs?.revision ?? 0,
          appliedContentHash: runs?.hash ?? '',
          appliedTime: runs ? new Date(runs.time) : undefined,
          lastResult: last ? attemptToProto(last) : undefined,
          appliedEpoch: runs?.epoch ?? '',
        };
      });
      return {
        desiredRevision: desired?.revision ?? 0,
        desiredContentHash: desired?.hash ?? '',
        nodes: statuses,
        leader: leader ?? '',
        refusals: refusal && registry.file.hash !== desired?.hash ? [refusal.message] : [],
        registryRevision: registry.revision,
        epoch: registry.epoch,
        desiredEpoch: desired?.epoch ?? '',
        quarantinedInstances: quarantineToProto(quarantine),
        alertDelivery: alertDeliveryMessage(delivery),
      };
    },

    async listRecentAlerts(request) {
      const page = await readRecentAlerts(redis, 'config-push', recentAlertsQuery(request));
      return { alerts: page.alerts.map(alertMessage), nextPageToken: page.nextPageToken };
    },

    async *watchPushes(_request, context) {
      for await (const attempt of deps.hub.subscribe(
        AbortSignal.any([context.signal, deps.shutdownSignal]),
      )) {
        yield { result: attemptToProto(attempt) };
      }
    },
  };
}
