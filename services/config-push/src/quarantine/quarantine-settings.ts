import type { ConfigPushConfig } from '../config.js';

/** The quarantine's settings (CONFIG_PUSH_QUARANTINE_*). */
export type QuarantineSettings = {
  /** At most this share of the registered instances is quarantined at once... */
  readonly maxShare: number;
  /** ...but never fewer than this many may be. */
  readonly minAllowed: number;
  /** First re-test of a quarantined instance after this long, doubling up to `recheckMaxMs`. */
  readonly recheckMinMs: number;
  readonly recheckMaxMs: number;
  /** Bound of one investigation (all the tests of a bisection) or one re-test. */
  readonly testTimeoutMs: number;
};

export function quarantineSettings(config: ConfigPushConfig): QuarantineSettings {
  return {
    maxShare: config.CONFIG_PUSH_QUARANTINE_MAX_SHARE,
    minAllowed: config.CONFIG_PUSH_QUARANTINE_MIN,
    recheckMinMs: config.CONFIG_PUSH_QUARANTINE_RECHECK_MIN,
    recheckMaxMs: config.CONFIG_PUSH_QUARANTINE_RECHECK_MAX,
    testTimeoutMs: config.CONFIG_PUSH_QUARANTINE_TEST_TIMEOUT,
  };
}
