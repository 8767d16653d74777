import { FailureKind, type NodeSpec, type ReportSuspectRequest } from '@gateway/proto/health';
import {
  checkNodeSpec,
  FieldViolation,
  normalizeNodeIp,
  requireIntegerInRange,
  requireKnownEnum,
  requireMaxLength,
  requireNonEmpty,
  requirePrintable,
  type NodeSpecData,
} from '@gateway/shared';
import type { SuspectReport } from '../suspect/suspect-intake.js';

const FAILURE_KINDS: Record<number, string> = {
  [FailureKind.FAILURE_KIND_CONNECTION_REFUSED]: 'connection_refused',
  [FailureKind.FAILURE_KIND_TIMEOUT]: 'timeout',
  [FailureKind.FAILURE_KIND_CONNECTION_RESET]: 'connection_reset',
  [FailureKind.FAILURE_KIND_DNS]: 'dns',
  [FailureKind.FAILURE_KIND_OTHER]: 'other',
};

/** Validates the node of AddNode / UpdateNode (field names prefixed `node.`). */
export function nodeSpecFromProto(node: NodeSpec | undefined): NodeSpecData {
  if (!node) throw new FieldViolation('node', 'is required');
  const ssh = node.ssh ?? { host: '', port: 0, user: '', hostKey: '' };
  return checkNodeSpec(
    {
      ip: node.ip,
      healthUrl: node.healthUrl,
      ssh: { host: ssh.host, port: ssh.port, user: ssh.user, hostKey: ssh.hostKey },
      configPath: node.configPath,
      label: node.label,
    },
    'node',
  );
}

/** The canonical ip of a request's `ip` field. */
export function ipFromRequest(ip: string, field = 'ip'): string {
  return normalizeNodeIp(field, ip);
}

/** Validates a suspect report; every length is checked before anything else. */
export function suspectReportFromProto(request: ReportSuspectRequest): SuspectReport {
  requireMaxLength('reporter', request.reporter, 128);
  requireMaxLength('target', request.target, 512);
  requireNonEmpty('reporter', request.reporter);
  requirePrintable('reporter', request.reporter);
  requireNonEmpty('target', request.target);
  requirePrintable('target', request.target);
  if (request.failureKind === FailureKind.FAILURE_KIND_UNSPECIFIED) {
    throw new FieldViolation(
      'failure_kind',
      'is required: say what failed (FAILURE_KIND_OTHER when unsure)',
    );
  }
  requireKnownEnum('failure_kind', request.failureKind, Object.keys(FAILURE_KINDS).map(Number));
  requireIntegerInRange('consecutive_failures', request.consecutiveFailures, 1, 1_000_000);
  return {
    reporter: request.reporter,
    target: request.target,
    failureKind: FAILURE_KINDS[request.failureKind],
    consecutiveFailures: request.consecutiveFailures,
  };
}
