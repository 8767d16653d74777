import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { PushOutcome } from '@gateway/proto/configpush';
import { attemptToProto, parseAttempt } from './response-mapping.js';

const ATTEMPT = {
  ip: '10.0.0.1',
  outcome: 'APPLIED' as const,
  revision: 7,
  hash: 'd'.repeat(64),
  error: '',
  time: 1_700_000_000_000,
  replica: 'r1',
  fence: 3,
  epoch: '1700000000000-0123456789abcdef',
};

describe('config-push response mapping', () => {
  it('shows an attempt with its outcome and finish time', () => {
    assert.deepEqual(attemptToProto(ATTEMPT), {
      nodeIp: '10.0.0.1',
      outcome: PushOutcome.PUSH_OUTCOME_APPLIED,
      revision: 7,
      contentHash: ATTEMPT.hash,
      error: '',
      finishTime: new Date(ATTEMPT.time),
    });
    assert.equal(
      attemptToProto({ ...ATTEMPT, outcome: 'REFUSED' }).outcome,
      PushOutcome.PUSH_OUTCOME_REFUSED,
    );
  });

  it('reads a push result message and finds anything else unreadable', () => {
    assert.deepEqual(parseAttempt(JSON.stringify(ATTEMPT)), ATTEMPT);
    for (const message of [
      'nope',
      JSON.stringify({ ...ATTEMPT, outcome: 'MAYBE' }),
      JSON.stringify({ ...ATTEMPT, ip: 1 }),
      JSON.stringify({ ...ATTEMPT, revision: '7' }),
    ])
      assert.equal(parseAttempt(message), undefined, message);
  });
});
