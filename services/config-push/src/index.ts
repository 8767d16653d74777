export { configPushConfigShape, loadConfigPushConfig, type ConfigPushConfig } from './config.js';
export {
  renderUpstreams,
  UPSTREAM_VARIABLE,
  type RenderedConfig,
} from './render/render-upstreams.js';
export { startConfigPush, type RunningConfigPush } from './server.js';
