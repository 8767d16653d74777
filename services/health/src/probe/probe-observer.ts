import type { HealthStatusName } from '@gateway/shared';
import type { ProbeOutcome } from './http-prober.js';

/** What the probe runner tells about its work as it happens (metrics). */
export type ProbeObserver = {
  /** A probe of the node ended (not one skipped because another round held the node's gate). */
  probed(ip: string, outcome: ProbeOutcome): void;
  /** This replica's write changed the node's status. */
  changed(ip: string, status: HealthStatusName): void;
};
