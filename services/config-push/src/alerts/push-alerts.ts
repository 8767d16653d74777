import type { AlertInput } from '@gateway/shared';
import type { PushErrorKind } from '../push/push-error.js';

/** The push failure kinds that raise an alert (not_leader is this replica's own business). */
export const ALERTED_PUSH_FAILURES = [
  'host_key',
  'auth',
  'connect',
  'timeout',
  'stale',
  'config_test',
  'reload',
  'remote',
  'too_large',
  'content_refused',
] as const satisfies readonly PushErrorKind[];

export type AlertedPushFailure = (typeof ALERTED_PUSH_FAILURES)[number];

const WHAT: Record<AlertedPushFailure, string> = {
  host_key: 'the node presented a host key that is not the pinned one',
  auth: 'the node refused the push key',
  connect: 'cannot connect to the node over SSH',
  timeout: 'the push did not finish in time',
  stale: 'the node refused the revision as older than what it runs',
  config_test: 'nginx -t failed: nothing reloaded, the previous config still serves',
  reload: 'nginx reload failed: the previous config was restored',
  remote: 'the apply script failed on the node',
  too_large:
    "the node refused the config as too large (CONFIG_PUSH_NODE_MAX_BYTES must not exceed the node's MAX_BYTES)",
  content_refused:
    "the node's apply script does not accept the renderer's output (version skew between config-push and gateway-nginx-apply?)",
};

export function isAlertedPushFailure(kind: PushErrorKind): kind is AlertedPushFailure {
  return (ALERTED_PUSH_FAILURES as readonly string[]).includes(kind);
}

/** The alert of one node's push failing with one kind of failure (one condition per node and kind). */
export function pushFailureAlert(
  kind: AlertedPushFailure,
  ip: string,
  revision: number,
  error: string,
): AlertInput {
  return {
    key: `push:${kind}:${ip}`,
    kind: `push_${kind}_failed`,
    node: ip,
    revision,
    message: `push of revision ${revision} to ${ip} failed: ${WHAT[kind]}: ${error}`,
    details: { failure: kind, error },
  };
}

/** The recovery of that condition: the node took a push, or now fails for another reason. */
export function pushFailureRecovery(
  kind: AlertedPushFailure,
  ip: string,
  revision: number,
  now: string,
): AlertInput {
  return {
    key: `push:${kind}:${ip}`,
    kind: `push_${kind}_failed`,
    node: ip,
    revision,
    message: `push to ${ip} no longer fails with "${kind}": ${now}`,
    details: { failure: kind },
  };
}
