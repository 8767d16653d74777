import { delay } from 'abort-controller-x';
import type { Redis } from 'ioredis';
import { acquireProbeGateScript, RedisKeys, releaseProbeGateScript } from '@gateway/shared';

export type ProbeGate = {
  /**
   * Waits until this replica may run a suspect-triggered probe of the node (no other
   * such probe running or ended less than a window ago, on any replica). False when
   * the gate stayed taken through every attempt: another probe keeps it fresh.
   */
  acquire(ip: string, token: string, signal: AbortSignal): Promise<boolean>;
  /** The probe ended: the gate frees one window from now. */
  release(ip: string, token: string): Promise<void>;
};

const ATTEMPTS = 4;

/** Per-node gate in Redis: suspect-triggered probes reach a node at most once per coalescing window. */
export function ProbeGate(
  redis: Redis,
  settings: { windowMs: number; probeTimeoutMs: number },
): ProbeGate {
  const holdMs = settings.probeTimeoutMs + settings.windowMs;
  return {
    async acquire(ip, token, signal) {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const waitMs = Number(
          await acquireProbeGateScript.run(redis, [RedisKeys.healthProbeGate(ip)], [token, holdMs]),
        );
        if (waitMs === 0) return true;
        await delay(signal, Math.min(waitMs, holdMs) + 1);
      }
      return false;
    },
    async release(ip, token) {
      await releaseProbeGateScript.run(
        redis,
        [RedisKeys.healthProbeGate(ip)],
        [token, settings.windowMs],
      );
    },
  };
}
