export { deadline, type Deadline } from './async/deadline.js';
export { EventQueue, OVERFLOW, throwIfAborted } from './async/event-queue.js';
export { isRole, ROLES, type Role } from './auth/roles.js';
export { TokenTable, tokenTableFromConfig } from './auth/token-table.js';
export { parseTokenList } from './auth/token-list.js';
export { parseTokenFile } from './auth/token-file.js';
export { ANONYMOUS_ADMIN, type TokenEntry, type TokenIdentity } from './auth/token-identity.js';
export { TokenBuckets } from './limits/token-bucket.js';
export { RETRY_AFTER_METADATA } from './limits/retry-after.js';
export {
  tokenLimitsFromConfig,
  tokenLimitsMiddleware,
  type TokenLimits,
} from './limits/token-limits-middleware.js';
export { auditMiddleware, type AuditTarget } from './grpc/audit-middleware.js';
export {
  callerIdentity,
  callNoteOf,
  noteTarget,
  withCallNote,
  type CallNote,
} from './grpc/call-note.js';
export {
  commonConfigShape,
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  type CommonConfig,
} from './config/common-config.js';
export {
  grpcTransport,
  transportConfigShape,
  type GrpcTransport,
  type TransportConfig,
} from './config/transport-config.js';
export { CONFIG_ERROR_EXIT_CODE, ConfigError } from './config/config-error.js';
export { redactUrl, withoutSecrets } from './config/redact.js';
export {
  durationMs,
  flag,
  fraction,
  heapGrowingPercent,
  integer,
  listenAddress,
  parseHostPort,
} from './config/env-types.js';
export { loadConfig, type Environment } from './config/load-config.js';
export { authMiddleware } from './grpc/auth-middleware.js';
export { errorMiddleware } from './grpc/error-middleware.js';
export { startGrpcServer, type GrpcServer } from './grpc/grpc-server.js';
export { listensBeyondLoopback } from './grpc/plaintext-exposure.js';
export { checkedGrpcTransport } from './tls/check-server-tls.js';
export {
  channelCredentials,
  ClientTlsError,
  clientTlsFromValues,
  type ClientTlsFiles,
} from './tls/channel-credentials.js';
export { serveWhileReady } from './grpc/serve-while-ready.js';
export { repeatedElementSize, SizeBoundedChunker, varintSize } from './grpc/size-bounded-chunks.js';
export {
  bindService,
  type AccessRules,
  type AuditRules,
  type ServiceBinding,
} from './grpc/service-binding.js';
export { createLogger, type Logger } from './logging/logger.js';
export { serializeError } from './logging/error-serializer.js';
export { BackgroundLoop } from './process/background-loop.js';
export { limitHeapGrowth } from './process/heap-growth.js';
export { runService, type RunningService, type ServiceContext } from './process/run-service.js';
export { RedisChannels, RedisKeys } from './redis/keys.js';
export { ChannelFeed } from './redis/channel-feed.js';
export { RevisionFollower, type ChangeStep } from './redis/revision-follower.js';
export { LuaScript } from './redis/lua-script.js';
export {
  acknowledgedWrite,
  WriteNotAcknowledgedError,
  type WriteAcknowledgement,
} from './redis/acknowledged-write.js';
export { FailoverInProgressError } from './redis/sentinel/failover-fence.js';
export {
  closeRedis,
  createRedisClient,
  isRedisUnavailable,
  type RedisConnectionConfig,
} from './redis/redis-client.js';
export { acquirePushLeaseScript } from './redis/scripts/acquire-push-lease.js';
export { deregisterInstanceScript } from './redis/scripts/deregister-instance.js';
export { evictExpiredInstancesScript } from './redis/scripts/evict-expired-instances.js';
export { heartbeatInstanceScript } from './redis/scripts/heartbeat-instance.js';
export { recordNodePushScript } from './redis/scripts/record-node-push.js';
export { quarantineInstancesScript } from './redis/scripts/quarantine-instances.js';
export { readmitInstancesScript } from './redis/scripts/readmit-instances.js';
export {
  parseQuarantineChange,
  parseQuarantineEntry,
  readQuarantine,
  readQuarantineEntries,
  readQuarantineEntry,
  type QuarantineChange,
  type QuarantineEntry,
} from './quarantine/quarantine-entry.js';
export { readInstancePageScript } from './redis/scripts/read-instance-page.js';
export { registerInstanceKeys, registerInstanceScript } from './redis/scripts/register-instance.js';
export { repairInstanceIndexScript } from './redis/scripts/repair-instance-index.js';
export { releasePushLeaseScript } from './redis/scripts/release-push-lease.js';
export { setDesiredConfigScript } from './redis/scripts/set-desired-config.js';
export { acquireProbeGateScript } from './redis/scripts/acquire-probe-gate.js';
export { addNodeScript } from './redis/scripts/add-node.js';
export { admitSuspectReportScript } from './redis/scripts/admit-suspect-report.js';
export { applyProbeResultScript } from './redis/scripts/apply-probe-result.js';
export { claimPollRoundScript } from './redis/scripts/claim-poll-round.js';
export { claimTrailingRoundScript } from './redis/scripts/claim-trailing-round.js';
export { releaseProbeGateScript } from './redis/scripts/release-probe-gate.js';
export { removeNodeScript } from './redis/scripts/remove-node.js';
export { restartProbeWindowScript } from './redis/scripts/restart-probe-window.js';
export { updateNodeScript } from './redis/scripts/update-node.js';
export { decodeStoredInstance } from './registry/decode-stored-instance.js';
export {
  CHANGE_TYPES,
  type ChangeTypeName,
  parseInstanceChange,
  type InstanceChange,
} from './registry/instance-change.js';
export { instanceId, parseInstanceId } from './registry/instance-id.js';
export {
  canonicalSpecJson,
  checkInstanceSpec,
  DEFAULT_WEIGHT,
  GROUP_PATTERN,
  specFingerprint,
  type InstanceSpecInput,
} from './registry/instance-spec-rules.js';
export type {
  AdminStateName,
  InstanceSpecData,
  LeasedInstance,
  StoredInstance,
} from './registry/instance.js';
export {
  readInstancePage,
  type InstancePage,
  type InstancePageEntry,
  type InstancePageQuery,
} from './registry/read-instance-page.js';
export { readInstanceSnapshot, type InstanceSnapshot } from './registry/read-instance-snapshot.js';
export {
  compareEpochs,
  compareStamps,
  epochCreatedMs,
  epochSeed,
  isStoreEpoch,
  type StoreStamp,
} from './registry/store-epoch.js';
export {
  ensureStoreEpochScript,
  EPOCH_ORDER_LUA,
  storeEpochLua,
} from './redis/scripts/store-epoch-lua.js';
export { SCAN_BATCH, scanInstances } from './registry/scan-instances.js';
export { RegistryChangeFeed, type FeedEvent } from './registry/registry-change-feed.js';
export {
  HEALTH_STATUSES,
  type HealthStatusName,
  type NodeSpecData,
  type SshEndpointData,
} from './nodes/node.js';
export { checkNodeSpec, normalizeNodeIp, type NodeSpecInput } from './nodes/node-spec-rules.js';
export { readNodesWithStatus, type NodeWithStatus } from './nodes/read-nodes.js';
export { parseHealthChange, type HealthChange } from './nodes/health-change.js';
export { parseNodeChange, type NodeChange } from './nodes/node-change.js';
export { nodeSpecJson } from './nodes/node-spec-json.js';
export { decodeStoredNode } from './nodes/decode-stored-node.js';
export { FieldViolation } from './validation/field-violation.js';
export { hostForAddress, normalizeHost } from './validation/host.js';
export {
  requireIntegerInRange,
  requireKnownEnum,
  requireMaxLength,
  requireNonEmpty,
  requirePrintable,
} from './validation/text-rules.js';
export {
  alertHeadline,
  type AlertDetail,
  type AlertEvent,
  type AlertInput,
  type AlertState,
} from './alerts/alert.js';
export {
  alertConfigShape,
  alertSettings,
  alertSinks,
  type AlertConfigShape,
  type AlertSettings,
} from './alerts/alert-config.js';
export { Alerts, type AlertDeliveryStatus } from './alerts/alerts.js';
export { alertDeliveryMessage } from './alerts/alert-delivery-message.js';
export {
  alertMessage,
  readRecentAlerts,
  recentAlertsQuery,
  type RecentAlertsQuery,
} from './alerts/recent-alerts.js';
export { DeliveryRefused, type AlertSink } from './alerts/sinks/alert-sink.js';
export { dingTalkMessage } from './alerts/sinks/dingtalk-sink.js';
export { dingTalkSign, signedDingTalkUrl } from './alerts/sinks/dingtalk-signature.js';
export { webhookPayload } from './alerts/sinks/webhook-sink.js';
export { enqueueAlertScript } from './redis/scripts/enqueue-alert.js';
export { markHealthUnconfirmedScript } from './redis/scripts/mark-health-unconfirmed.js';
export { metricsListen } from './metrics/metrics-listen.js';
export { startTelemetry, type Telemetry } from './metrics/telemetry.js';
export { AlertMetrics } from './metrics/alert-metrics.js';
export { cachedRead } from './metrics/cached-read.js';
export { readBackedGauges } from './metrics/read-backed-gauges.js';
export { splitMethodPath, statusOf } from './metrics/rpc-metrics.js';
export type { AlertDeliveryResult } from './alerts/sink-drain.js';
export { readRegistryGaugesScript } from './redis/scripts/read-registry-gauges.js';
export { readDesiredSummaryScript } from './redis/scripts/read-desired-summary.js';
export { readDesiredPiecesScript } from './redis/scripts/read-desired-pieces.js';
