export { buildProgram } from './program.js';
export { CliError, ExitCode } from './exit-codes.js';
export {
  parseContext,
  defaultContextPaths,
  type GatewayContext,
} from './connection/context-file.js';
export { resolveEndpoints, type Endpoints } from './connection/endpoints.js';
export { SHIPPED_DEPLOY_DIR, deployDir } from './deploy/deploy-dir.js';
export {
  fillTemplate,
  renderDeployTemplate,
  TemplateError,
  SAFE_VALUE,
} from './deploy/deploy-template.js';
export {
  NODE_DEFAULTS,
  validateNodeValues,
  type NodeValueInput,
  type NodeValues,
  type Role,
  type ValueProblem,
} from './deploy/node-values.js';
export {
  applySettings,
  fillApplyConf,
  keepalivedPlaceholders,
  nginxPlaceholders,
  renderNodeFiles,
  type NodeFiles,
} from './deploy/render-node.js';
export {
  hasScriptUserTestBug,
  testKeepalivedConf,
  testNginxConf,
  type ConfigTestResult,
} from './deploy/config-test.js';
export type { AlertStatus, StatusModel, NodeStatus, GroupStatus } from './status/status-model.js';
export type { VipStatus } from './status/vip-holder.js';
export type { InstanceView, NodeView, ProbeView, PushResultView } from './output/views.js';
export type { DiffVerdict } from './commands/diff-verdict.js';
