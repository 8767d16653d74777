import { isIP } from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FailoverFence } from './failover-fence.js';
import type { MasterRedirect } from './master-redirect.js';
import { addressKey, parseSentinelEvent, type MasterAddress } from './sentinel-event.js';
import { attachFence } from './write-fence-of.js';

/** Reconnections after a switch that may land elsewhere (a peer address that differs: NAT) before it is accepted. */
const MAX_RETARGETS = 5;

export type SentinelFollower = {
  readonly fence: FailoverFence;
  close(): void;
};

/**
 * Makes `redis` (a connection through Sentinel) follow Sentinel's switches at once,
 * instead of waiting for the old master to close the connection (Sentinel converts a
 * gracefully demoted master some seconds after `+switch-master`) or for the client's
 * reconnect backoff (after a hard failover). It subscribes to the events of every
 * listed Sentinel (only the one leading a failover announces its first steps):
 * - at the first sign of a failover, the connection's writes hold (the fence);
 * - at `+switch-master`, the connection leaves the old master (or reconnects now if
 *   it was waiting to retry), and the writes resume once it is ready on the new one;
 * - a failover that aborts, or a quorum that no longer sees the master down, resumes
 *   the writes on the same master.
 */
export function followSentinels(
  redis: Redis,
  options: {
    sentinels: readonly MasterAddress[];
    masterName: string;
    sentinelPassword?: string;
    redirect: MasterRedirect;
    maxFenceMs: number;
    purpose: string;
    logger: Logger;
  },
): SentinelFollower {
  const { redirect, logger, purpose } = options;
  const log = logger.child({ redis: purpose });
  const fence = FailoverFence({
    maxClosedMs: options.maxFenceMs,
    onExpired: (reason, closedMs) =>
      log.error(
        { reason, closedMs },
        'redis failover fence timed out without a usable new master: writes resume on the current connection',
      ),
  });
  attachFence(redis, fence);
  let downOnly = false;
  let retargets = 0;

  const onNewMaster = () => {
    const target = redirect.current;
    if (!target || fence.reason !== '+switch-master') return;
    if (isOn(redis, target) || retargets >= MAX_RETARGETS) {
      log.info({ master: addressKey(target), retargets }, 'redis: following the new master');
      fence.open();
    } else {
      // Landed elsewhere (a Sentinel that had not learnt of the switch yet): again, a few times.
      retargets += 1;
      redis.disconnect(true);
    }
  };
  redis.on('ready', onNewMaster);

  const handle = (channel: string, message: string) => {
    const event = parseSentinelEvent(channel, message, options.masterName);
    if (!event) return;
    switch (event.kind) {
      case 'master-down':
        if (fence.reason === '+switch-master') return;
        if (!fence.closed) downOnly = true;
        fence.close('+odown');
        return;
      case 'master-up':
        if (downOnly && fence.reason === '+odown') fence.open();
        downOnly = false;
        return;
      case 'failover-started':
        downOnly = false;
        if (fence.reason !== '+switch-master') fence.close(event.reason);
        return;
      case 'failover-aborted':
        downOnly = false;
        if (fence.reason !== '+switch-master') fence.open();
        log.warn({ reason: event.reason }, 'redis failover aborted: writes resume');
        return;
      case 'switched': {
        downOnly = false;
        const known = redirect.current && addressKey(redirect.current) === addressKey(event.to);
        redirect.switched(event.from, event.to);
        if (redis.status === 'ready' && isOn(redis, event.to)) {
          fence.open();
          return;
        }
        // Another Sentinel announcing the same switch: the reconnection is under way.
        if (known && fence.reason === '+switch-master') return;
        fence.close('+switch-master');
        retargets = 0;
        log.warn(
          { from: addressKey(event.from), to: addressKey(event.to) },
          'redis: Sentinel switched the master, reconnecting',
        );
        if (redis.status === 'reconnecting') redis.connect().catch(() => undefined);
        else if (redis.status !== 'connecting' && redis.status !== 'end') redis.disconnect(true);
      }
    }
  };

  const subscribers = options.sentinels.map((sentinel) => {
    const client = new Redis({
      host: sentinel.host,
      port: sentinel.port,
      password: options.sentinelPassword,
      connectionName: `${purpose}-sentinel-events`,
      maxRetriesPerRequest: null,
      retryStrategy: () => 500,
      enableReadyCheck: false,
    });
    client.on('error', () => undefined);
    client.on('pmessage', (_pattern: string, channel: string, message: string) =>
      handle(channel, message),
    );
    client
      .psubscribe('*')
      .catch((error: unknown) =>
        log.warn({ err: error, sentinel: addressKey(sentinel) }, 'cannot subscribe to Sentinel'),
      );
    return client;
  });

  return {
    fence,
    close() {
      redis.off('ready', onNewMaster);
      fence.open();
      for (const client of subscribers) client.disconnect();
    },
  };
}

/** True when the connection's peer is `master` (always for a host name: its address is unknown here). */
function isOn(redis: Redis, master: MasterAddress): boolean {
  if (isIP(master.host) === 0) return true;
  const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  if (!stream?.remoteAddress || stream.remotePort === undefined) return false;
  const peer = `${stream.remoteAddress.replace(/^::ffff:/, '')}:${stream.remotePort}`;
  return peer === addressKey(master);
}
