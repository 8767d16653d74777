import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseHealthChange } from './health-change.js';
import { parseNodeChange } from './node-change.js';

describe('health and inventory change messages', () => {
  it('reads a health transition, with defaults for the optional fields', () => {
    assert.deepEqual(
      parseHealthChange(
        JSON.stringify({
          ip: '10.0.0.1',
          status: 'DOWN',
          previous: 'UP',
          time: 17,
          reason: 'probe timed out',
          revision: 9,
        }),
      ),
      {
        ip: '10.0.0.1',
        status: 'DOWN',
        previous: 'UP',
        time: 17,
        reason: 'probe timed out',
        revision: 9,
      },
    );
    assert.deepEqual(parseHealthChange(JSON.stringify({ ip: '10.0.0.1', status: 'UP' })), {
      ip: '10.0.0.1',
      status: 'UP',
      previous: undefined,
      time: 0,
      reason: '',
      revision: 0,
    });
  });

  it('finds a health message unreadable without an ip or a known status', () => {
    for (const message of [
      'garbage',
      JSON.stringify({ status: 'UP' }),
      JSON.stringify({ ip: '10.0.0.1', status: 'MAYBE' }),
    ])
      assert.equal(parseHealthChange(message), undefined, message);
  });

  it('reads an inventory change and refuses an unknown type', () => {
    assert.deepEqual(
      parseNodeChange(JSON.stringify({ type: 'REMOVED', ip: '10.0.0.2', revision: 3 })),
      {
        type: 'REMOVED',
        ip: '10.0.0.2',
        revision: 3,
      },
    );
    assert.equal(parseNodeChange(JSON.stringify({ type: 'MOVED', ip: '10.0.0.2' })), undefined);
    assert.equal(parseNodeChange(JSON.stringify({ type: 'ADDED' })), undefined);
    assert.equal(parseNodeChange('{'), undefined);
  });
});
