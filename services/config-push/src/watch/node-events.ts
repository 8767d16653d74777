import type { Redis } from 'ioredis';
import {
  ChannelFeed,
  parseHealthChange,
  parseNodeChange,
  RedisChannels,
  type Logger,
} from '@gateway/shared';
import { parseAttempt } from '../api/response-mapping.js';
import type { AttemptRecord } from '../state/node-records.js';

/** What config-push hears besides registry changes: push results (for WatchPushes) and node events. */
export type NodeEvent =
  | { readonly kind: 'push'; readonly attempt: AttemptRecord }
  | { readonly kind: 'health'; readonly ip: string; readonly up: boolean }
  | { readonly kind: 'inventory'; readonly ip: string; readonly removed: boolean };

export type NodeEventFeed = ChannelFeed<NodeEvent>;

/** The push results, health transitions and inventory changes channels, on one subscription. */
export function NodeEventFeed(options: { subscriber: Redis; logger: Logger }): NodeEventFeed {
  return ChannelFeed<NodeEvent>({
    name: 'config-push-events',
    subscriber: options.subscriber,
    logger: options.logger,
    channels: {
      [RedisChannels.pushResults]: (message) => {
        const attempt = parseAttempt(message);
        return attempt && { kind: 'push', attempt };
      },
      [RedisChannels.healthChanges]: (message) => {
        const change = parseHealthChange(message);
        return change && { kind: 'health', ip: change.ip, up: change.status === 'UP' };
      },
      [RedisChannels.nodeChanges]: (message) => {
        const change = parseNodeChange(message);
        return change && { kind: 'inventory', ip: change.ip, removed: change.type === 'REMOVED' };
      },
    },
  });
}
