import { FieldViolation } from '../validation/field-violation.js';
import { normalizeHost } from '../validation/host.js';
import { requireMaxLength, requireNonEmpty } from '../validation/text-rules.js';
import { GROUP_PATTERN } from './instance-spec-rules.js';

/** The id of an instance: derived from group, host and port, so registration is idempotent. */
export function instanceId(spec: { group: string; host: string; port: number }): string {
  return `${spec.group}/${spec.host}/${spec.port}`;
}

/** Checks an id sent by a client: it must be one that `instanceId` could have built. */
export function parseInstanceId(field: string, id: string): string {
  requireMaxLength(field, id, 330);
  requireNonEmpty(field, id);
  const match = /^([^/]+)\/([^/]+)\/(\d{1,5})$/.exec(id);
  if (!match || !GROUP_PATTERN.test(match[1])) {
    throw new FieldViolation(field, 'must be "<group>/<host>/<port>" as returned by Register');
  }
  const host = normalizeHost(field, match[2]);
  const port = Number(match[3]);
  if (port < 1 || port > 65535 || host !== match[2]) {
    throw new FieldViolation(field, 'must be "<group>/<host>/<port>" as returned by Register');
  }
  return id;
}
