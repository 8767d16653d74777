export { FailureCounter } from './failure-counter.js';
export {
  networkFailureOf,
  toProtoFailureKind,
  type NetworkFailureKind,
} from './network-failure.js';
export { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
export {
  SendClient,
  type AttemptFailure,
  type SendClientOptions,
  type SendClientStats,
  type SendRequest,
  type SendResponse,
} from './send-client.js';
export { SendError } from './send-error.js';
export {
  SuspectReporter,
  type ReportOutcome,
  type SuspectReporterOptions,
  type SuspectReporterStats,
} from './suspect-reporter.js';
