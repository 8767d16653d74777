import { PushOutcome, type NodePushResult } from '@gateway/proto/configpush';
import type { AttemptRecord, OutcomeName } from '../state/node-records.js';

const OUTCOMES: Record<OutcomeName, PushOutcome> = {
  APPLIED: PushOutcome.PUSH_OUTCOME_APPLIED,
  UNCHANGED: PushOutcome.PUSH_OUTCOME_UNCHANGED,
  SKIPPED_DOWN: PushOutcome.PUSH_OUTCOME_SKIPPED_DOWN,
  FAILED: PushOutcome.PUSH_OUTCOME_FAILED,
  REFUSED: PushOutcome.PUSH_OUTCOME_REFUSED,
};

export function attemptToProto(attempt: AttemptRecord): NodePushResult {
  return {
    nodeIp: attempt.ip,
    outcome: OUTCOMES[attempt.outcome] ?? PushOutcome.PUSH_OUTCOME_UNSPECIFIED,
    revision: attempt.revision,
    contentHash: attempt.hash,
    error: attempt.error,
    finishTime: new Date(attempt.time),
  };
}

/** Parses a message of the push results channel; undefined when it is not one. */
export function parseAttempt(message: string): AttemptRecord | undefined {
  try {
    const raw = JSON.parse(message) as AttemptRecord;
    if (
      typeof raw.ip !== 'string' ||
      !(raw.outcome in OUTCOMES) ||
      typeof raw.revision !== 'number'
    )
      return undefined;
    return raw;
  } catch {
    return undefined;
  }
}
