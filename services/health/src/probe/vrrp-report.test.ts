import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseVrrpReport } from './vrrp-report.js';

describe('the VRRP state in a /healthz body', () => {
  it('is read from the line vrrp-notify.sh writes', () => {
    assert.deepEqual(parseVrrpReport('MASTER VI_1 100 1764120000123\n'), {
      state: 'MASTER',
      instance: 'VI_1',
      changeTime: 1764120000123,
    });
    assert.equal(parseVrrpReport('BACKUP VI_1 90 1764120000123')?.state, 'BACKUP');
  });

  it('is none for any other body', () => {
    for (const body of ['ok\n', '', 'MASTER', 'LEADER VI_1 100 1', 'MASTER VI 1 100 x', '<html>'])
      assert.equal(parseVrrpReport(body), undefined, body);
  });
});
