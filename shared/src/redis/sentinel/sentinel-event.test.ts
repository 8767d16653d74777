import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseSentinelEvent } from './sentinel-event.js';

describe('parseSentinelEvent', () => {
  it('reads +switch-master of the watched master with both addresses', () => {
    assert.deepEqual(
      parseSentinelEvent('+switch-master', 'mymaster 127.0.0.1 6379 127.0.0.1 6380', 'mymaster'),
      {
        kind: 'switched',
        from: { host: '127.0.0.1', port: 6379 },
        to: { host: '127.0.0.1', port: 6380 },
      },
    );
  });

  it('ignores events of another master', () => {
    assert.equal(
      parseSentinelEvent('+switch-master', 'other 127.0.0.1 6379 127.0.0.1 6380', 'mymaster'),
      undefined,
    );
    assert.equal(
      parseSentinelEvent('+try-failover', 'master other 127.0.0.1 6379', 'mymaster'),
      undefined,
    );
  });

  it('tells the start of a failover from a master event and from a replica event', () => {
    assert.deepEqual(
      parseSentinelEvent('+try-failover', 'master mymaster 10.0.0.1 6379', 'mymaster'),
      {
        kind: 'failover-started',
        reason: '+try-failover',
      },
    );
    assert.deepEqual(
      parseSentinelEvent(
        '+selected-slave',
        'slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379',
        'mymaster',
      ),
      { kind: 'failover-started', reason: '+selected-slave' },
    );
  });

  it('reads +odown / -odown of the master and an aborted failover', () => {
    assert.deepEqual(
      parseSentinelEvent('+odown', 'master mymaster 10.0.0.1 6379 #quorum 2/2', 'mymaster'),
      { kind: 'master-down' },
    );
    assert.deepEqual(parseSentinelEvent('-odown', 'master mymaster 10.0.0.1 6379', 'mymaster'), {
      kind: 'master-up',
    });
    assert.deepEqual(
      parseSentinelEvent(
        '-failover-abort-no-good-slave',
        'master mymaster 10.0.0.1 6379',
        'mymaster',
      ),
      { kind: 'failover-aborted', reason: '-failover-abort-no-good-slave' },
    );
  });

  it('ignores a replica going down, unrelated events and malformed messages', () => {
    assert.equal(
      parseSentinelEvent(
        '+sdown',
        'slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379',
        'mymaster',
      ),
      undefined,
    );
    assert.equal(parseSentinelEvent('+new-epoch', '12', 'mymaster'), undefined);
    assert.equal(parseSentinelEvent('+switch-master', 'mymaster 1.2.3.4', 'mymaster'), undefined);
    assert.equal(parseSentinelEvent('+switch-master', 'mymaster a b c d', 'mymaster'), undefined);
  });
});
