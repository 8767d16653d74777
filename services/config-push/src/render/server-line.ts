import { hostForAddress, type InstanceSpecData } from '@gateway/shared';

/** Nginx's own defaults, written out so the file says what runs. */
export const DEFAULT_MAX_FAILS = 1;
export const DEFAULT_FAIL_TIMEOUT_SECONDS = 10;

/**
 * One `server` line of an upstream. The spec has been validated (host normalized, every
 * number in range), so nothing here can break out of the line. A draining instance is
 * `down`: Nginx sends it no new requests.
 */
export function serverLine(spec: InstanceSpecData): string {
  const parts = [
    `server ${hostForAddress(spec.host)}:${spec.port}`,
    `weight=${spec.weight}`,
    `max_fails=${spec.maxFails ?? DEFAULT_MAX_FAILS}`,
    `fail_timeout=${spec.failTimeoutSeconds ?? DEFAULT_FAIL_TIMEOUT_SECONDS}s`,
  ];
  if (spec.backup) parts.push('backup');
  if (spec.adminState === 'draining') parts.push('down');
  return `${parts.join(' ')};`;
}
