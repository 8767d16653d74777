import { readFileSync } from 'node:fs';
import { deployPath } from './deploy-dir.js';
import { renderDeployTemplate, TemplateError } from './deploy-template.js';
import type { NodeValues } from './node-values.js';
import { isSubSecond, withAdvertInterval } from './vrrp-timing.js';

/** The three files one gateway node is installed with. */
export type NodeFiles = {
  /** /etc/keepalived/keepalived.conf */
  readonly keepalived: string;
  /** /etc/nginx/nginx.conf */
  readonly nginx: string;
  /** /etc/gateway-push/apply.conf (gateway-nginx-apply's node-side settings) */
  readonly apply: string;
};

export const NODE_FILE_NAMES = {
  keepalived: 'keepalived.conf',
  nginx: 'nginx.conf',
  apply: 'apply.conf',
} as const satisfies Record<keyof NodeFiles, string>;

/** The placeholders of deploy/keepalived/keepalived-<role>.conf. */
export function keepalivedPlaceholders(
  values: Pick<
    NodeValues,
    | 'routerId'
    | 'scriptUser'
    | 'stateDir'
    | 'scriptDir'
    | 'healthUrl'
    | 'interface'
    | 'selfIp'
    | 'peerIp'
    | 'authPass'
    | 'vipCidr'
  > & { readonly advertInt?: string },
): Record<string, string> {
  return {
    ROUTER_ID: values.routerId,
    SCRIPT_USER: values.scriptUser,
    STATE_DIR: values.stateDir,
    SCRIPT_DIR: values.scriptDir,
    HEALTH_URL: values.healthUrl,
    INTERFACE: values.interface,
    SELF_IP: values.selfIp,
    PEER_IP: values.peerIp,
    // With sub-second adverts (VRRPv3) the authentication block is dropped after rendering.
    AUTH_PASS:
      values.advertInt !== undefined && isSubSecond(values.advertInt) ? 'vrrpv3' : values.authPass,
    VIP_CIDR: values.vipCidr,
  };
}

/** The placeholders of deploy/nginx/nginx.conf. */
export function nginxPlaceholders(
  values: Pick<
    NodeValues,
    'pidFile' | 'logDir' | 'tempDir' | 'upstreamsFile' | 'listen' | 'stateDir'
  >,
): Record<string, string> {
  return {
    // The /healthz body: the VRRP state keepalived's notify script keeps there.
    VRRP_STATE_DIR: values.stateDir,
    PID_FILE: values.pidFile,
    LOG_DIR: values.logDir,
    TEMP_DIR: values.tempDir,
    UPSTREAMS_FILE: values.upstreamsFile,
    LISTEN: values.listen,
  };
}

/** The settings of apply.conf, which must agree with nginx.conf (LIVE_FILE, PID_FILE). */
export function applySettings(values: NodeValues): Record<string, string> {
  return {
    LIVE_FILE: values.upstreamsFile,
    NGINX: values.nginxBinary,
    NGINX_ARGS: `-c ${values.nginxConf}`,
    PID_FILE: values.pidFile,
    STATE_DIR: values.applyStateDir,
    CONFIRM_TIMEOUT: values.confirmTimeout,
    MAX_BYTES: values.maxBytes,
  };
}

/**
 * Sets each KEY=VALUE line of the shipped apply.conf.example; a setting the example
 * lacks (the script and its example drifted apart) is an error, not a silent extra line.
 */
export function fillApplyConf(text: string, settings: Readonly<Record<string, string>>): string {
  const seen = new Set<string>();
  const lines = text.split('\n').map((line) => {
    const match = /^([A-Z_]+)=/.exec(line);
    if (!match) return line;
    const key = match[1];
    const value = settings[key];
    if (value === undefined) return line;
    seen.add(key);
    return `${key}=${value}`;
  });
  const missing = Object.keys(settings).filter((key) => !seen.has(key));
  if (missing.length > 0)
    throw new TemplateError(`config-push/apply.conf.example: no line for ${missing.join(', ')}`);
  return lines.join('\n');
}

/** Renders the keepalived, nginx and apply configuration of one node from validated values. */
export function renderNodeFiles(values: NodeValues, templatesDir?: string): NodeFiles {
  return {
    keepalived: withAdvertInterval(
      renderDeployTemplate(
        `keepalived/keepalived-${values.role}.conf`,
        keepalivedPlaceholders(values),
        templatesDir,
      ),
      values.advertInt,
    ),
    nginx: renderDeployTemplate('nginx/nginx.conf', nginxPlaceholders(values), templatesDir),
    apply: fillApplyConf(
      readFileSync(deployPath('config-push/apply.conf.example', templatesDir), 'utf8'),
      applySettings(values),
    ),
  };
}
