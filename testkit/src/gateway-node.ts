import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeSpecData } from '@gateway/shared';
import {
  appliedRevisions,
  readApplyJournal,
  writeApplyConf,
  type JournalEntry,
} from './apply-journal.js';
import { DEPLOY_DIR } from './repo-paths.js';
import { shippedHealthzLocations } from './shipped-healthz.js';
import { startNginx, type NginxHandle } from './nginx.js';
import { startSshd, type SshdHandle } from './sshd.js';
import { tempDir } from './temp-dir.js';

const DEPLOY = join(DEPLOY_DIR, 'config-push');
/** The node-side apply script, run over SSH exactly as on a production node (here without sudo: see docs). */
export const APPLY_SCRIPT = join(DEPLOY, 'gateway-nginx-apply');
const PLACEHOLDER = join(DEPLOY, 'gateway-upstreams.placeholder.conf');

/**
 * A gateway node as in production, on its own loopback address: a real nginx whose
 * http {} includes the rendered file (first the shipped placeholder) and routes every
 * request through `$gateway_upstream`, and a real sshd with its own host key and
 * key-only login, whose sessions find the node-side apply config.
 */
export type GatewayNode = {
  readonly ip: string;
  readonly nginx: NginxHandle;
  readonly sshd: SshdHandle;
  /** The rendered file nginx includes (the node's config_path). */
  readonly livePath: string;
  /** A directory nginx also includes: node-side files an operator added. */
  readonly extraDir: string;
  readonly stateDir: string;
  /** With `reportVrrp`: where keepalived's notify script would keep vrrp-state (served as the /healthz body). */
  readonly vrrpStateDir: string | undefined;
  spec(overrides?: { hostKey?: string | undefined; port?: number }): NodeSpecData;
  journal(): JournalEntry[];
  /** Revisions the node really applied or confirmed, in order (from the journal). */
  appliedRevisions(): number[];
  /** How many times nginx reloaded its config (from its error log). */
  reloadCount(): number;
  stop(): Promise<void>;
};

export async function startGatewayNode(
  ip: string,
  authorizedKey: string,
  options: {
    sshUser?: string;
    /** The nginx binary of this node (the master, `nginx -t` and reloads); default /usr/sbin/nginx. */
    nginxBinary?: string;
    /** Serve /healthz as the shipped nginx.conf does: the body is vrrpStateDir/vrrp-state when it exists. */
    reportVrrp?: boolean;
  } = {},
): Promise<GatewayNode> {
  const dir = tempDir('gateway-node');
  const confDir = join(dir, 'gateway');
  const extraDir = join(dir, 'extra');
  const stateDir = join(dir, 'state');
  for (const path of [confDir, extraDir, stateDir]) mkdirSync(path, { recursive: true });
  const livePath = join(confDir, 'gateway-upstreams.conf');
  copyFileSync(PLACEHOLDER, livePath);
  // Nginx workers run unprivileged: the VRRP state directory lies in a directory they may enter.
  const vrrpStateDir = options.reportVrrp ? join(tempDir('gateway-vrrp'), 'vrrp') : undefined;
  if (vrrpStateDir) {
    chmodSync(join(vrrpStateDir, '..'), 0o755);
    mkdirSync(vrrpStateDir, { mode: 0o755 });
  }
  const nginx = await startNginx({
    host: ip,
    ...(options.nginxBinary ? { binary: options.nginxBinary } : {}),
    httpConfig: `include ${confDir}/*.conf;\ninclude ${extraDir}/*.conf;`,
    ...(vrrpStateDir ? { healthz: false } : {}),
    serverConfig: `${vrrpStateDir ? `${shippedHealthzLocations(vrrpStateDir)}\n` : ''}location / {\n  proxy_pass http://$gateway_upstream;\n  proxy_connect_timeout 2s;\n}`,
  });
  const applyConf = writeApplyConf(dir, {
    livePath,
    nginxArgs: ['-p', `${nginx.dir}/`, '-c', nginx.confPath, '-e', nginx.errorLogPath],
    pidPath: join(nginx.dir, 'nginx.pid'),
    stateDir,
    ...(options.nginxBinary ? { nginxBinary: options.nginxBinary } : {}),
  });
  const sshd = await startSshd({
    host: ip,
    authorizedKeys: [authorizedKey],
    setEnv: { GATEWAY_APPLY_CONF: applyConf },
    ...(options.sshUser ? { user: options.sshUser } : {}),
  });
  const journal = () => readApplyJournal(stateDir);
  return {
    ip,
    nginx,
    sshd,
    livePath,
    extraDir,
    stateDir,
    vrrpStateDir,
    spec: (overrides = {}) => ({
      ip,
      healthUrl: `http://${ip}:${nginx.port}/healthz`,
      ssh: {
        host: ip,
        port: overrides.port ?? sshd.port,
        user: sshd.user,
        ...('hostKey' in overrides
          ? overrides.hostKey
            ? { hostKey: overrides.hostKey }
            : {}
          : { hostKey: sshd.hostKey }),
      },
      configPath: livePath,
      label: `test-${ip}`,
    }),
    journal,
    appliedRevisions: () => appliedRevisions(journal()),
    // The master logs "signal 1 (SIGHUP) received from N, reconfiguring" then a line "...: reconfiguring".
    reloadCount: () =>
      existsSync(nginx.errorLogPath)
        ? (readFileSync(nginx.errorLogPath, 'utf8').match(/: reconfiguring$/gm) ?? []).length
        : 0,
    async stop() {
      await sshd.stop();
      await nginx.stop();
    },
  };
}
