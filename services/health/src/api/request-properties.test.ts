import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkNodeSpec, FieldViolation, normalizeNodeIp } from '@gateway/shared';
import {
  anyIp,
  anyNodeSpec,
  anyReportSuspect,
  validatedOrRefused,
  validNodeSpec,
  validReportSuspect,
} from './request-arbitraries.fixture.js';
import { ipFromRequest, nodeSpecFromProto, suspectReportFromProto } from './request-mapping.js';

const RUNS = { numRuns: 2_000 };
const NODE_FIELDS = /^node(\.(ip|health_url|ssh\.(host|port|user|host_key)|config_path|label))?$/;

describe('NodeHealthService request validation, on any input', () => {
  it('AddNode and UpdateNode: refuse with a violation naming a node field, or return a spec that validates again unchanged', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyNodeSpec, (node) => {
        const spec = validatedOrRefused(() => nodeSpecFromProto(node), NODE_FIELDS);
        if (!spec) return;
        accepted += 1;
        const again = checkNodeSpec(
          { ...spec, ssh: { ...spec.ssh, hostKey: spec.ssh.hostKey ?? '' } },
          'node',
        );
        assert.deepEqual(again, spec);
        assert.equal(new URL(spec.healthUrl).hostname.replace(/^\[|\]$/g, ''), spec.ip);
      }),
      RUNS,
    );
    console.log(`[figure] AddNode property: ${RUNS.numRuns} arbitrary nodes, ${accepted} accepted`);
    assert.ok(accepted > 0, 'some generated nodes were valid');
  });

  it('AddNode and UpdateNode: accept every valid node, filling the defaults', () => {
    fc.assert(
      fc.property(validNodeSpec, (node) => {
        const spec = nodeSpecFromProto(node);
        assert.equal(spec.ip, normalizeNodeIp('ip', node.ip));
        assert.equal(spec.ssh.port, node.ssh?.port || 22);
        assert.equal(spec.configPath, node.configPath);
        assert.equal(spec.label, node.label);
      }),
      RUNS,
    );
  });

  it('RemoveNode, GetNode and ProbeNow: any ip is a canonical node ip or a violation of ip', () => {
    fc.assert(
      fc.property(anyIp, (ip) => {
        const canonical = validatedOrRefused(() => ipFromRequest(ip), /^ip$/);
        if (canonical !== undefined) assert.equal(ipFromRequest(canonical), canonical);
      }),
      RUNS,
    );
  });

  it('ReportSuspect: refuses with a violation naming its field, or returns the report with a known failure kind', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyReportSuspect, (request) => {
        const report = validatedOrRefused(
          () => suspectReportFromProto(request),
          /^(reporter|target|failure_kind|consecutive_failures)$/,
        );
        if (!report) return;
        accepted += 1;
        assert.ok(
          ['connection_refused', 'timeout', 'connection_reset', 'dns', 'other'].includes(
            report.failureKind,
          ),
        );
        assert.ok(report.reporter.length <= 128 && report.target.length <= 512);
      }),
      RUNS,
    );
    assert.ok(accepted > 0, 'some generated reports were valid');
  });

  it('ReportSuspect: accepts every valid report', () => {
    fc.assert(
      fc.property(validReportSuspect, (request) => {
        assert.equal(suspectReportFromProto(request).reporter, request.reporter);
      }),
      RUNS,
    );
  });

  it('refuses a node whose ip, config_path or SSH field holds a character that could leave its place, naming that field', () => {
    const node = {
      ip: '10.0.0.1',
      healthUrl: '',
      ssh: {
        host: 'node-1.example',
        port: 0,
        user: 'gw',
        hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFGaiNQ98yFS7zeFTHND4uC4qbFV6QZAmTeDKQ58fPrY',
      },
      configPath: '/etc/nginx/gw.conf',
      label: '',
    };
    type Field = 'ip' | 'config_path' | 'ssh.host' | 'ssh.user' | 'ssh.host_key';
    const withText = (field: Field, edit: (value: string) => string) =>
      field === 'ip'
        ? { ...node, ip: edit(node.ip) }
        : field === 'config_path'
          ? { ...node, configPath: edit(node.configPath) }
          : field === 'ssh.host'
            ? { ...node, ssh: { ...node.ssh, host: edit(node.ssh.host) } }
            : field === 'ssh.user'
              ? { ...node, ssh: { ...node.ssh, user: edit(node.ssh.user) } }
              : { ...node, ssh: { ...node.ssh, hostKey: edit(node.ssh.hostKey) } };
    assert.ok(nodeSpecFromProto(node));
    fc.assert(
      fc.property(
        fc.constantFrom<Field>('ip', 'config_path', 'ssh.host', 'ssh.user', 'ssh.host_key'),
        fc.constantFrom(
          ' ',
          ';',
          '{',
          '}',
          '"',
          "'",
          '$',
          '#',
          '\\',
          '\n',
          '\r',
          '\t',
          '\u0000',
          '\u007f',
          '\u2028',
          'é',
          '`',
          '|',
          '&',
        ),
        fc.nat(),
        (field, character, at) => {
          const request = withText(field, (value) => {
            const position = 1 + (at % (value.length - 1));
            return value.slice(0, position) + character + value.slice(position);
          });
          assert.throws(
            () => nodeSpecFromProto(request),
            (error: unknown) => error instanceof FieldViolation && error.field === `node.${field}`,
            `${field} with ${JSON.stringify(character)}`,
          );
        },
      ),
      RUNS,
    );
  });
});
