export { onCleanup } from './cleanup.js';
export { freePort } from './free-port.js';
export { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
export { startRedisSentinel, type RedisSentinelHandle } from './redis-sentinel.js';
export { startRedisServer, type RedisServerHandle } from './redis-server.js';
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
export {
  APPLY_SCRIPT,
  startGatewayNode,
  type GatewayNode,
  type JournalEntry,
} from './gateway-node.js';
export { DEPLOY_DIR, REPO_ROOT, serviceEntry, type ServiceName } from './repo-paths.js';
export { missingPrerequisites, type Prerequisite } from './prerequisites.js';
