import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FieldViolation } from './field-violation.js';
import { hostForAddress, normalizeHost } from './host.js';

describe('hosts', () => {
  it('keeps IPv4, compresses and lower-cases IPv6, lower-cases names without the trailing dot', () => {
    assert.equal(normalizeHost('host', '10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeHost('host', '2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(normalizeHost('host', 'Core-1.Example.'), 'core-1.example');
  });

  it('refuses brackets, zones, incomplete IPv4, bad labels and over-long names', () => {
    const refused = (host: string, reason: RegExp) =>
      assert.throws(
        () => normalizeHost('instance.host', host),
        (error: unknown) =>
          error instanceof FieldViolation &&
          error.field === 'instance.host' &&
          reason.test(error.description),
        host,
      );
    refused('[::1]', /IPv6/);
    refused('fe80::1%eth0', /IPv6/);
    refused('10.0.0', /incomplete IPv4/);
    refused('-core.example', /DNS name/);
    refused('core_1.example', /DNS name/);
    refused('a'.repeat(254), /at most 253/);
    refused('', /is required/);
  });

  it('refuses names that getaddrinfo reads as an IPv4 address in hex or octal', () => {
    for (const host of ['0x7f.1', '0x7f000001', '0X7F.0.0.1', '0x0a.0x00.0x00.0x01', '0x7f.0.1'])
      assert.throws(
        () => normalizeHost('instance.host', host),
        (error: unknown) =>
          error instanceof FieldViolation && /hex or octal/.test(error.description),
        host,
      );
    assert.equal(normalizeHost('host', '0xdead.example'), '0xdead.example');
    assert.equal(normalizeHost('host', '0x7f.0.0.0.1'), '0x7f.0.0.0.1', 'five parts are a name');
  });

  it('lets an IPv4 address through only in dotted decimal, whatever other form it is sent in', () => {
    fc.assert(
      fc.property(fc.ipV4Extended(), (host) => {
        let normalized: string;
        try {
          normalized = normalizeHost('host', host);
        } catch (error) {
          assert.ok(error instanceof FieldViolation);
          return;
        }
        assert.ok(isIPv4(normalized), `${host} passed as ${normalized}`);
      }),
      { numRuns: 2_000 },
    );
  });

  it('brackets an IPv6 host for an address, nothing else', () => {
    assert.equal(hostForAddress('2001:db8::1'), '[2001:db8::1]');
    assert.equal(hostForAddress('10.0.0.1'), '10.0.0.1');
    assert.equal(hostForAddress('core.example'), 'core.example');
  });

  it('lets nothing but letters, digits, ".", "-" and ":" through, whatever is sent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV6(), fc.domain(), fc.ipV4()), (host) => {
        let normalized: string;
        try {
          normalized = normalizeHost('host', host);
        } catch (error) {
          assert.ok(error instanceof FieldViolation);
          return;
        }
        assert.match(normalized, /^[a-z0-9.:-]+$/);
        assert.equal(normalizeHost('host', normalized), normalized, 'normalizing is idempotent');
      }),
    );
  });
});
