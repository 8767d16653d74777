export { onCleanup } from './cleanup.js';
export { freePort, METRICS_DEFAULT_PORTS, SERVICE_DEFAULT_PORTS } from './free-port.js';
export {
  isRunning,
  startProcess,
  useOwnProcessGroups,
  type ManagedProcess,
} from './managed-process.js';
export { startRedisSentinel, type RedisSentinelHandle } from './redis-sentinel.js';
export { startRedisServer, type RedisServerHandle } from './redis-server.js';
export { startSentinelTopology, type SentinelTopology } from './redis-sentinel-topology.js';
export { startServiceProcess, type ServiceProcess } from './service-process.js';
export { tempDir } from './temp-dir.js';
export { StopWaiting, waitFor } from './wait-for.js';
export { startNginx, type NginxAccessEntry, type NginxHandle, type NginxOptions } from './nginx.js';
export { generateSshKey, startSshd, type SshdHandle, type SshdOptions } from './sshd.js';
export {
  keepalivedPlaceholders,
  nginxPlaceholders,
  renderDeployTemplate,
} from './deploy-template.js';
export {
  keepalivedConfigTest,
  keepalivedVersion,
  prepareKeepalivedFiles,
  startKeepalived,
  type KeepalivedFiles,
  type KeepalivedHandle,
  type KeepalivedOptions,
  type KeepalivedRole,
  type VrrpState,
} from './keepalived.js';
export { createTestNetwork, TEST_NETWORK, type Namespace, type TestNetwork } from './netns.js';
export {
  nodeNginxConfigTest,
  prepareNodeNginxFiles,
  startNodeNginx,
  type NodeNginxFiles,
  type NodeNginxHandle,
} from './node-nginx.js';
export { collectStream, type StreamCollector } from './stream-collector.js';
export { APPLY_SCRIPT, startGatewayNode, type GatewayNode } from './gateway-node.js';
export {
  appliedRevisions,
  readApplyJournal,
  writeApplyConf,
  type JournalEntry,
} from './apply-journal.js';
export {
  startAlertReceiver,
  type AlertReceiver,
  type ReceivedRequest,
  type Responder,
} from './alert-receiver.js';
export { bearer, TEST_TOKENS, TEST_TOKENS_ENV } from './tokens.js';
export { withRedisServer } from './with-redis-server.js';
export { LOOPBACK_INSTANCES_ENV } from './instance-hosts.js';
export { startInProcessService, type InProcessService } from './in-process-service.js';
export { expectConfigExit } from './config-exit.js';
export { CONFIG_PUSH_TEST_TIMINGS } from './config-push-timings.js';
export { childPids, pidAlive } from './proc.js';
export { DEPLOY_DIR, REPO_ROOT, serviceEntry, type ServiceName } from './repo-paths.js';
export { missingPrerequisites, type Prerequisite } from './prerequisites.js';
export { testLogger, testLogStream } from './test-logger.js';
export { registerTestSecret, testRunDir, TEST_RUN_DIR_VARIABLE } from './test-run-dir.js';
export { knownTestSecrets, TEST_SECRETS } from './test-secrets.js';
export { scanLogsForSecrets, type SecretFinding } from './secret-scan.js';
export { makeRedisTlsFiles, type RedisTlsFiles } from './redis-tls-files.js';
export { createTestPki, type CertificateFiles, type TestPki } from './tls-certs.js';
export * from './wire-fuzz/index.js';
export {
  parsePrometheusText,
  probeEndpoint,
  scrapeMetrics,
  type MetricSample,
  type Scrape,
} from './metrics-scrape.js';
