import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { FailureKind, type ReportSuspectRequest } from '@gateway/proto/health';
import { FieldViolation } from '@gateway/shared';
import { ipFromRequest, nodeSpecFromProto, suspectReportFromProto } from './request-mapping.js';

const REPORT: ReportSuspectRequest = {
  reporter: 'core-1',
  target: '10.0.0.1',
  failureKind: FailureKind.FAILURE_KIND_TIMEOUT,
  consecutiveFailures: 3,
};

const violates = (check: () => unknown, field: string, reason: RegExp) =>
  assert.throws(
    check,
    (error: unknown) =>
      error instanceof FieldViolation && error.field === field && reason.test(error.description),
    field,
  );

describe('health request mapping', () => {
  it('reads a suspect report with its failure kind in words', () => {
    assert.deepEqual(suspectReportFromProto(REPORT), {
      reporter: 'core-1',
      target: '10.0.0.1',
      failureKind: 'timeout',
      consecutiveFailures: 3,
    });
    assert.equal(
      suspectReportFromProto({ ...REPORT, failureKind: FailureKind.FAILURE_KIND_DNS }).failureKind,
      'dns',
    );
  });

  it('checks lengths first, then presence, printability, the kind and the count', () => {
    violates(
      () => suspectReportFromProto({ ...REPORT, reporter: '\n'.repeat(129) }),
      'reporter',
      /at most 128/,
    );
    violates(() => suspectReportFromProto({ ...REPORT, target: 'x'.repeat(513) }), 'target', /512/);
    violates(() => suspectReportFromProto({ ...REPORT, reporter: '' }), 'reporter', /required/);
    violates(() => suspectReportFromProto({ ...REPORT, target: 'a\u0000b' }), 'target', /control/);
    violates(
      () =>
        suspectReportFromProto({ ...REPORT, failureKind: FailureKind.FAILURE_KIND_UNSPECIFIED }),
      'failure_kind',
      /is required/,
    );
    violates(
      () => suspectReportFromProto({ ...REPORT, failureKind: 99 as FailureKind }),
      'failure_kind',
      /unknown enum value 99/,
    );
    violates(
      () => suspectReportFromProto({ ...REPORT, consecutiveFailures: 0 }),
      'consecutive_failures',
      /between 1 and 1000000/,
    );
  });

  it('validates a node spec under node.*, an absent ssh block as empty fields', () => {
    violates(() => nodeSpecFromProto(undefined), 'node', /required/);
    violates(
      () =>
        nodeSpecFromProto({
          ip: '10.0.0.1',
          healthUrl: '',
          ssh: undefined,
          configPath: '/etc/nginx/u.conf',
          label: '',
        }),
      'node.ssh.user',
      /required/,
    );
    const spec = nodeSpecFromProto({
      ip: '10.0.0.1',
      healthUrl: '',
      ssh: { host: '', port: 0, user: 'push', hostKey: '' },
      configPath: '/etc/nginx/u.conf',
      label: 'master',
    });
    assert.equal(spec.healthUrl, 'http://10.0.0.1/healthz');
    assert.equal(spec.label, 'master');
  });

  it('normalizes a request ip and names the field', () => {
    assert.equal(ipFromRequest('2001:DB8::1'), '2001:db8::1');
    violates(() => ipFromRequest('nginx-1', 'target_ip'), 'target_ip', /IPv4 or IPv6/);
  });
});
