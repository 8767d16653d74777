import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { nginxErrorSite, nginxErrorText } from './nginx-error.js';
import { quarantineLimit, recheckDelay } from './quarantine-bound.js';

describe('reading an nginx -t failure', () => {
  const dns =
    'gateway-nginx-apply: nginx -t failed, previous file restored: 2026/11/25 22:04:36 [emerg] 2355#2355: host not found in upstream "nx-does-not-exist.invalid:80" in /etc/nginx/gateway/gateway-upstreams.conf:10 nginx: configuration file /etc/nginx/nginx.conf test failed';

  it('names the file and line nginx points at', () => {
    assert.deepEqual(nginxErrorSite(dns), {
      file: '/etc/nginx/gateway/gateway-upstreams.conf',
      line: 10,
    });
    assert.equal(
      nginxErrorSite(
        '[emerg] could not build map_hash, you should increase map_hash_bucket_size: 64',
      ),
      undefined,
    );
  });

  it('compares failures without time stamps and pids', () => {
    const later = dns.replace('22:04:36', '22:05:01').replaceAll('2355', '9');
    assert.equal(nginxErrorText(dns), nginxErrorText(later));
    assert.match(nginxErrorText(dns), /host not found in upstream "nx-does-not-exist.invalid:80"/);
    assert.doesNotMatch(nginxErrorText(dns), /\[emerg\]|test failed|gateway-nginx-apply/);
    assert.equal(
      nginxErrorText(
        'gateway-nginx-apply: nginx -t failed (test only, live file kept): nginx: [emerg] could not build map_hash, you should increase map_hash_bucket_size: 64',
      ),
      'could not build map_hash, you should increase map_hash_bucket_size: 64',
    );
  });
});

describe('the quarantine bound and its back-off', () => {
  it('allows a share of the instances, never fewer than the minimum', () => {
    assert.equal(quarantineLimit(3, 0.25, 3), 3);
    assert.equal(quarantineLimit(100, 0.25, 3), 25);
    assert.equal(quarantineLimit(0, 0.25, 0), 0);
  });

  it('re-tests after a doubling delay, capped', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 10, 100].map((checks) => recheckDelay(checks, 5_000, 300_000)),
      [5_000, 10_000, 20_000, 40_000, 300_000, 300_000],
    );
  });
});
