import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { chooseLogFormat } from './log-format.js';

describe('log format of the local stack', () => {
  it('is pretty on a terminal and JSON otherwise, unless LOCAL_STACK_LOG says', () => {
    assert.equal(chooseLogFormat(undefined, true), 'pretty');
    assert.equal(chooseLogFormat(undefined, false), 'json');
    assert.equal(chooseLogFormat('', false), 'json');
    assert.equal(chooseLogFormat('json', true), 'json');
    assert.equal(chooseLogFormat('pretty', false), 'pretty');
  });

  it('refuses an unknown LOCAL_STACK_LOG, naming the variable', () => {
    assert.throws(() => chooseLogFormat('yaml', true), /LOCAL_STACK_LOG: must be pretty or json/);
  });
});
