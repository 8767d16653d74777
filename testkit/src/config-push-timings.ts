/**
 * config-push timings short enough for tests (production waits longer), shared by its
 * own tests and the end-to-end story.
 */
export const CONFIG_PUSH_TEST_TIMINGS: Readonly<Record<string, string>> = Object.freeze({
  CONFIG_PUSH_WAIT_MIN: '150ms',
  CONFIG_PUSH_WAIT_MAX: '600ms',
  CONFIG_PUSH_REVISION_POLL_INTERVAL: '500ms',
  CONFIG_PUSH_NODE_TIMEOUT: '8s',
  CONFIG_PUSH_RETRY_MIN: '500ms',
  CONFIG_PUSH_RETRY_MAX: '2s',
  CONFIG_PUSH_LEASE_TTL: '3s',
});
