import type { Redis } from 'ioredis';
import { ServerError, Status, type ServiceImplementation } from 'nice-grpc';
import { ProbeDecision, type NodeHealthServiceDefinition } from '@gateway/proto/health';
import {
  alertDeliveryMessage,
  alertMessage,
  callerIdentity,
  FieldViolation,
  readRecentAlerts,
  recentAlertsQuery,
  type Alerts,
  type Logger,
} from '@gateway/shared';
import type { NodeStore } from '../inventory/node-store.js';
import type { ProbeRunner } from '../probe/probe-runner.js';
import type { HealthReader } from '../state/health-reader.js';
import type { SuspectDecision, SuspectIntake } from '../suspect/suspect-intake.js';
import type { HealthFeed } from '../watch/health-feed.js';
import { watchNodes } from '../watch/watch-nodes.js';
import { ipFromRequest, nodeSpecFromProto, suspectReportFromProto } from './request-mapping.js';
import { durationFromMs, nodeToProto, statusToProto } from './response-mapping.js';

const DECISIONS: Record<SuspectDecision, ProbeDecision> = {
  STARTED: ProbeDecision.PROBE_DECISION_STARTED,
  JOINED: ProbeDecision.PROBE_DECISION_JOINED,
  RATE_LIMITED: ProbeDecision.PROBE_DECISION_RATE_LIMITED,
};

const WATCH_QUEUE_LIMIT = 10_000;

/** The NodeHealthService RPCs. Every request is validated before anything touches Redis. */
export function NodeHealthServiceImpl(deps: {
  redis: Redis;
  store: NodeStore;
  reader: HealthReader;
  runner: ProbeRunner;
  intake: SuspectIntake;
  feed: HealthFeed;
  alerts: Alerts;
  /** No WatchNodes message is encoded larger than this. */
  maxMessageBytes: number;
  /** AddNode refuses a node beyond this many (HEALTH_MAX_NODES). */
  maxNodes: number;
  shutdownSignal: AbortSignal;
  logger: Logger;
}): ServiceImplementation<NodeHealthServiceDefinition> {
  const { store, reader, runner, logger, maxNodes } = deps;

  const mustGet = async (ip: string) => {
    const view = await reader.get(ip);
    if (!view) throw new ServerError(Status.NOT_FOUND, `node ${ip} is not in the inventory`);
    return view;
  };

  return {
    async addNode(request) {
      const spec = nodeSpecFromProto(request.node);
      const outcome = await store.add(spec);
      if (outcome === 'exists') {
        throw new ServerError(
          Status.ALREADY_EXISTS,
          `node ${spec.ip} is already in the inventory (use UpdateNode)`,
        );
      }
      if (outcome === 'full') {
        logger.warn({ ip: spec.ip, maxNodes }, 'node not added: the inventory is full');
        throw new ServerError(
          Status.RESOURCE_EXHAUSTED,
          `node: the inventory holds HEALTH_MAX_NODES (${maxNodes}) nodes already; remove one or raise HEALTH_MAX_NODES`,
        );
      }
      logger.info({ ip: spec.ip, healthUrl: spec.healthUrl, label: spec.label }, 'node added');
      runner.startRound({ trigger: 'added', ips: [spec.ip] });
      return { node: nodeToProto(await mustGet(spec.ip)) };
    },

    async updateNode(request) {
      const spec = nodeSpecFromProto(request.node);
      const outcome = await store.update(spec);
      if (outcome === 'unknown')
        throw new ServerError(
          Status.NOT_FOUND,
          `node ${spec.ip} is not in the inventory (use AddNode)`,
        );
      if (outcome === 'updated') {
        logger.info({ ip: spec.ip, healthUrl: spec.healthUrl, label: spec.label }, 'node updated');
        runner.startRound({ trigger: 'added', ips: [spec.ip] });
      }
      return { node: nodeToProto(await mustGet(spec.ip)) };
    },

    async removeNode(request) {
      const ip = ipFromRequest(request.ip);
      if ((await store.remove(ip)) === 'unknown')
        throw new ServerError(Status.NOT_FOUND, `node ${ip} is not in the inventory`);
      logger.info({ ip }, 'node removed');
      return {};
    },

    async listNodes() {
      const [nodes, delivery] = await Promise.all([reader.list(), deps.alerts.status()]);
      return { nodes: nodes.map(nodeToProto), alertDelivery: alertDeliveryMessage(delivery) };
    },

    async listRecentAlerts(request) {
      const page = await readRecentAlerts(deps.redis, 'health', recentAlertsQuery(request));
      return { alerts: page.alerts.map(alertMessage), nextPageToken: page.nextPageToken };
    },

    async getNode(request) {
      return { node: nodeToProto(await mustGet(ipFromRequest(request.ip))) };
    },

    async *watchNodes(request, context) {
      yield* watchNodes({
        redis: deps.redis,
        reader,
        feed: deps.feed,
        queueLimit: WATCH_QUEUE_LIMIT,
        chunked: request.chunkedSnapshots,
        maxMessageBytes: deps.maxMessageBytes,
        signal: AbortSignal.any([context.signal, deps.shutdownSignal]),
        logger,
      });
    },

    async reportSuspect(request, context) {
      const report = suspectReportFromProto(request);
      // The rate is the token's, not the client-chosen reporter's (which is only a label).
      const token = callerIdentity(context).name;
      return { decision: DECISIONS[await deps.intake.report(report, token)] };
    },

    async probeNow(request, context) {
      let ips: string[] | undefined;
      if (request.ip !== '') {
        const ip = ipFromRequest(request.ip);
        // The node is an argument here, not the addressed resource: naming one that is
        // not in the inventory is bad input, and nothing is probed or written.
        if (!(await reader.get(ip)))
          throw new FieldViolation('ip', `no node ${ip} in the inventory`);
        ips = [ip];
      }
      const results = await runner.runRound({ trigger: 'manual', ips }, context.signal);
      return {
        results: results.map((result) => ({
          ip: result.ip,
          healthy: result.healthy,
          latency: durationFromMs(result.latencyMs),
          error: result.healthy ? '' : result.detail,
          status: statusToProto(result.status),
        })),
      };
    },
  };
}
