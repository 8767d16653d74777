import assert from 'node:assert/strict';
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
