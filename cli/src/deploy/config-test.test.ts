import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { hasScriptUserTestBug } from './config-test.js';

describe("keepalived's script_user config-test bug", () => {
  it('is recognised before 2.2.8 only', () => {
    assert.equal(hasScriptUserTestBug('Keepalived v2.2.7 (01/16,2022)'), true);
    assert.equal(hasScriptUserTestBug('Keepalived v2.1.5'), true);
    assert.equal(hasScriptUserTestBug('Keepalived v2.2.8 (04/04,2023)'), false);
    assert.equal(hasScriptUserTestBug('Keepalived v2.3.1'), false);
    assert.equal(hasScriptUserTestBug('no version here'), false);
  });
});
