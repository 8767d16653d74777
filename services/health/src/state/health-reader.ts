import type { Redis } from 'ioredis';
import {
  decodeStoredNode,
  HEALTH_STATUSES,
  RedisKeys,
  readNodesWithStatus,
  type HealthStatusName,
  type Logger,
} from '@gateway/shared';
import type { NodeHealthView, NodeView } from './node-view.js';

/** Reads nodes with status and detail; staleness is judged on the Redis clock. */
export type HealthReader = {
  list(): Promise<NodeView[]>;
  get(ip: string): Promise<NodeView | undefined>;
};

export function HealthReader(redis: Redis, staleAfterMs: number, logger: Logger): HealthReader {
  return {
    async list() {
      const { nodes, invalid } = await readNodesWithStatus(redis);
      if (invalid.length > 0) logger.error({ invalid }, 'nodes in Redis fail validation: hidden');
      const pipeline = redis.pipeline();
      for (const node of nodes) pipeline.hgetall(RedisKeys.healthDetail(node.spec.ip));
      pipeline.time();
      const replies = (await pipeline.exec()) ?? [];
      const now = redisNow(replies[replies.length - 1]);
      return nodes.map((node, index) => ({
        spec: node.spec,
        health: healthView(
          node.status,
          replyValue<Record<string, string>>(replies[index]) ?? {},
          now,
          staleAfterMs,
        ),
      }));
    },

    async get(ip) {
      const replies =
        (await redis
          .pipeline()
          .hget(RedisKeys.nodes, ip)
          .get(RedisKeys.healthStatus(ip))
          .hgetall(RedisKeys.healthDetail(ip))
          .time()
          .exec()) ?? [];
      const json = replyValue<string | null>(replies[0]);
      if (!json) return undefined;
      let spec;
      try {
        spec = decodeStoredNode(ip, json);
      } catch (error) {
        logger.error({ ip, err: error }, 'node in Redis fails validation: hidden');
        return undefined;
      }
      const status = replyValue<string | null>(replies[1]);
      const known = HEALTH_STATUSES.includes(status as never)
        ? (status as HealthStatusName)
        : undefined;
      return {
        spec,
        health: healthView(
          known,
          replyValue<Record<string, string>>(replies[2]) ?? {},
          redisNow(replies[3]),
          staleAfterMs,
        ),
      };
    },
  };
}

type PipelineReply = [Error | null, unknown] | undefined;

function replyValue<T>(reply: PipelineReply): T | undefined {
  if (!reply) return undefined;
  if (reply[0]) throw reply[0];
  return reply[1] as T;
}

function redisNow(reply: PipelineReply): number {
  const time = replyValue<[string, string]>(reply);
  return time ? Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000) : Date.now();
}

function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function healthView(
  status: HealthStatusName | undefined,
  detail: Record<string, string>,
  now: number,
  staleAfterMs: number,
): NodeHealthView {
  const lastProbeTime = optionalNumber(detail['last_probe_time']);
  return {
    status,
    stale:
      status === undefined ||
      lastProbeTime === undefined ||
      now - lastProbeTime > staleAfterMs ||
      detail['unconfirmed_reason'] !== undefined,
    staleReason: detail['unconfirmed_reason'] ?? '',
    lastProbeTime,
    lastProbeLatencyMs: optionalNumber(detail['last_probe_latency_ms']),
    lastChangeTime: optionalNumber(detail['last_change_time']),
    reason: detail['reason'] ?? (status === undefined ? 'not probed yet' : ''),
    consecutiveFailures: optionalNumber(detail['consecutive_failures']) ?? 0,
    consecutiveSuccesses: optionalNumber(detail['consecutive_successes']) ?? 0,
    lastReporter: detail['last_reporter'] ?? '',
    vrrpState: detail['vrrp_state'] ?? '',
    vrrpInstance: detail['vrrp_instance'] ?? '',
    vrrpChangeTime: optionalNumber(detail['vrrp_change_time']),
  };
}
