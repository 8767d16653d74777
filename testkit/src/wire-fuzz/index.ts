export { watchErrorLog, type ErrorLogWatch } from './error-log-watch.js';
export {
  describeFuzzReport,
  fuzzRpc,
  isIllFormed,
  type RpcFuzzReport,
  type RpcFuzzTarget,
} from './fuzz-rpc.js';
export {
  FUZZ_STRATEGIES,
  malformedMessages,
  type FuzzCase,
  type FuzzStrategy,
} from './malformed-messages.js';
export type { FieldShape, MessageShape } from './protobuf-wire.js';
export { RawGrpcCaller, type RawCallOutcome } from './raw-grpc-caller.js';
export { redisDigest } from './redis-digest.js';
export { servingStatus } from './serving-status.js';
export { assertEveryAnswerWellFormed, FUZZ_LIMITS_ENV, fuzzEveryRpc } from './fuzz-service.js';
export { waitForQuietRedis } from './quiet-redis.js';
