import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { serverLine } from './server-line.js';

const SPEC = {
  group: 'default',
  host: '10.0.0.1',
  port: 8080,
  weight: 2,
  backup: false,
  adminState: 'enabled' as const,
  metadata: {},
};

describe('server line', () => {
  it("writes Nginx's defaults out when the spec leaves them open", () => {
    assert.equal(serverLine(SPEC), 'server 10.0.0.1:8080 weight=2 max_fails=1 fail_timeout=10s;');
  });

  it('uses the spec’s max_fails and fail_timeout', () => {
    assert.equal(
      serverLine({ ...SPEC, maxFails: 0, failTimeoutSeconds: 30 }),
      'server 10.0.0.1:8080 weight=2 max_fails=0 fail_timeout=30s;',
    );
  });

  it('brackets an IPv6 host', () => {
    assert.match(serverLine({ ...SPEC, host: '2001:db8::1' }), /^server \[2001:db8::1\]:8080 /);
  });

  it('marks a backup instance backup and a draining one down', () => {
    assert.match(serverLine({ ...SPEC, backup: true }), / backup;$/);
    assert.match(serverLine({ ...SPEC, adminState: 'draining' }), / down;$/);
    assert.match(
      serverLine({ ...SPEC, backup: true, adminState: 'draining' }),
      / fail_timeout=10s backup down;$/,
    );
  });
});
