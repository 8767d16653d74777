import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { keepalivedPlaceholders, renderDeployTemplate } from './deploy-template.js';
import { DEPLOY_DIR } from './repo-paths.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import type { Namespace } from './netns.js';
import { tempDir } from './temp-dir.js';
import { StopWaiting, waitFor } from './wait-for.js';

export type KeepalivedRole = 'master' | 'backup';
/** What vrrp-notify.sh records: the state keepalived reported last. */
export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export type KeepalivedFiles = {
  readonly confPath: string;
  readonly scriptDir: string;
  readonly stateDir: string;
  readonly dir: string;
};

export type KeepalivedOptions = {
  readonly role: KeepalivedRole;
  readonly selfIp: string;
  readonly peerIp: string;
  /** "<vip>/<prefix>" */
  readonly vipCidr: string;
  readonly interface: string;
  /** The local Nginx health URL checked by check-nginx.sh (default http://127.0.0.1/healthz). */
  readonly healthUrl?: string;
  /** Unprivileged user the scripts run as (default nobody). */
  readonly scriptUser?: string;
  /** VRRP PASS secret, at most 8 characters (default gwtest01). */
  readonly authPass?: string;
};

/**
 * Writes a node's keepalived set-up from the shipped deploy/keepalived assets: the
 * config rendered for this node's addresses and paths, the scripts copied into a
 * root-owned directory no one else may write (enable_script_security demands it), and
 * a state directory the script user may write (vrrp-notify.sh records the state there).
 */
export function prepareKeepalivedFiles(options: KeepalivedOptions): KeepalivedFiles {
  const dir = tempDir(`keepalived-${options.role}`);
  chmodSync(dir, 0o755);
  const scriptDir = join(dir, 'scripts');
  const stateDir = join(dir, 'state');
  mkdirSync(scriptDir, { mode: 0o755 });
  mkdirSync(stateDir, { mode: 0o755 });
  for (const script of ['check-nginx.sh', 'vrrp-notify.sh']) {
    copyFileSync(join(DEPLOY_DIR, 'keepalived', script), join(scriptDir, script));
    chmodSync(join(scriptDir, script), 0o755);
  }
  const scriptUser = options.scriptUser ?? 'nobody';
  const uid = Number(execFileSync('id', ['-u', scriptUser], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', scriptUser], { encoding: 'utf8' }).trim());
  chownSync(stateDir, uid, gid);
  const confPath = join(dir, 'keepalived.conf');
  writeFileSync(
    confPath,
    renderDeployTemplate(
      `keepalived/keepalived-${options.role}.conf`,
      keepalivedPlaceholders({
        routerId: `gateway_${options.role}`,
        scriptUser,
        stateDir,
        scriptDir,
        healthUrl: options.healthUrl ?? 'http://127.0.0.1/healthz',
        interface: options.interface,
        selfIp: options.selfIp,
        peerIp: options.peerIp,
        authPass: options.authPass ?? 'gwtest01',
        vipCidr: options.vipCidr,
      }),
    ),
    { mode: 0o644 },
  );
  return { confPath, scriptDir, stateDir, dir };
}

export type KeepalivedHandle = {
  readonly files: KeepalivedFiles;
  readonly process: ManagedProcess | undefined;
  /** The state vrrp-notify.sh recorded last, or undefined before the first notification. */
  state(): VrrpState | undefined;
  /** Every notification so far: "<epoch-ms> <instance> <state> <priority>". */
  history(): string[];
  /** Starts keepalived again (same config) after stop(). */
  start(): Promise<void>;
  /** SIGTERM: keepalived drops the VIP and advertises priority 0. */
  stop(): Promise<void>;
  /** Keepalived's own log (console logging), for failure messages. */
  output(): string;
};

/**
 * Runs the real keepalived (VRRP only, foreground, console logging) inside `ns` with
 * the files from prepareKeepalivedFiles, and waits for its first state notification.
 */
export async function startKeepalived(
  ns: Namespace,
  files: KeepalivedFiles,
): Promise<KeepalivedHandle> {
  let daemon: ManagedProcess | undefined;
  let previousOutput = '';
  const statePath = join(files.stateDir, 'vrrp-state');
  const historyPath = join(files.stateDir, 'vrrp-history');
  const args = [
    '-n',
    '-l',
    '-D',
    '-G',
    '-P',
    '-f',
    files.confPath,
    '-p',
    join(files.dir, 'keepalived.pid'),
    '-r',
    join(files.dir, 'vrrp.pid'),
  ];
  const handle: KeepalivedHandle = {
    files,
    get process() {
      return daemon;
    },
    state() {
      if (!existsSync(statePath)) return undefined;
      return readFileSync(statePath, 'utf8').split(' ')[0] as VrrpState;
    },
    history() {
      if (!existsSync(historyPath)) return [];
      return readFileSync(historyPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '');
    },
    async start() {
      if (daemon && isRunning(daemon))
        throw new Error(`keepalived in ${ns.name} is already running`);
      const before = handle.history().length;
      const child = startProcess(`keepalived@${ns.name}`, 'ip', [
        'netns',
        'exec',
        ns.name,
        'keepalived',
        ...args,
      ]);
      daemon = child;
      await waitFor(
        `keepalived in ${ns.name} to report its first state`,
        () => {
          if (!isRunning(child))
            throw new StopWaiting(`keepalived exited: ${child.output().slice(-3000)}`);
          return handle.history().length > before;
        },
        { timeoutMs: 15_000, intervalMs: 50 },
      );
    },
    async stop() {
      if (!daemon) return;
      previousOutput += daemon.output();
      await daemon.stop('SIGTERM', 5_000);
    },
    output: () => previousOutput + (daemon?.output() ?? ''),
  };
  await handle.start();
  return handle;
}

/**
 * `keepalived -t -f <file>` (inside `ns` when given: it checks the interface exists): the exit status, signal and messages. keepalived 2.2.7
 * (Debian 12) kills itself with SIGTERM during a config test whenever a script runs as
 * a non-root script_user (acassen/keepalived#2587, #2617; fixed in 2.2.8): callers
 * must tell that apart from a real error, see the deploy config test.
 */
export function keepalivedConfigTest(
  confPath: string,
  ns?: Namespace,
): { code: number | null; signal: string | null; output: string } {
  const command = ['keepalived', '-t', '-f', confPath];
  const [program, ...args] = ns ? ['ip', 'netns', 'exec', ns.name, ...command] : command;
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 10_000 });
  return {
    code: result.status,
    signal: result.signal,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(),
  };
}

/** keepalived's version as [major, minor, patch]. */
export function keepalivedVersion(): [number, number, number] {
  // It prints its version on stderr.
  const result = spawnSync('keepalived', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const match = /v(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!match) throw new Error(`cannot read keepalived's version from: ${text}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
