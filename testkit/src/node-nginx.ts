import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { nginxPlaceholders, renderDeployTemplate } from './deploy-template.js';
import { DEPLOY_DIR } from './repo-paths.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import type { Namespace } from './netns.js';
import { tempDir } from './temp-dir.js';
import { childPids, pidAlive } from './proc.js';
import { StopWaiting, waitFor } from './wait-for.js';

/** The files of one gateway Nginx node, laid out from the shipped deploy/nginx/nginx.conf. */
export type NodeNginxFiles = {
  readonly dir: string;
  readonly confPath: string;
  /** The rendered upstream file nginx.conf includes (config-push's target, the node's config_path). */
  readonly upstreamsPath: string;
  readonly pidPath: string;
  readonly accessLogPath: string;
  readonly errorLogPath: string;
  /** Arguments selecting this nginx: `-p <dir>/ -c <conf>`. */
  readonly nginxArgs: readonly string[];
};

/**
 * Renders deploy/nginx/nginx.conf into its own directory (paths and the listen
 * address are the only parameters) with the placeholder upstream file of
 * deploy/config-push installed, as on a freshly set-up node.
 */
export function prepareNodeNginxFiles(
  options: {
    listen?: string;
    /** Where keepalived's notify script keeps vrrp-state (default: an empty directory: /healthz says "ok"). */
    vrrpStateDir?: string;
  } = {},
): NodeNginxFiles {
  const dir = tempDir('node-nginx');
  // Workers run unprivileged when the tests run as root: let them in.
  chmodSync(dir, 0o755);
  const gatewayDir = join(dir, 'gateway');
  const tempPaths = join(dir, 'temp');
  mkdirSync(gatewayDir, { mode: 0o755 });
  mkdirSync(tempPaths, { mode: 0o755 });
  if (!options.vrrpStateDir) mkdirSync(join(dir, 'vrrp'), { mode: 0o755 });
  const upstreamsPath = join(gatewayDir, 'gateway-upstreams.conf');
  copyFileSync(
    join(DEPLOY_DIR, 'config-push', 'gateway-upstreams.placeholder.conf'),
    upstreamsPath,
  );
  chmodSync(upstreamsPath, 0o644);
  const confPath = join(dir, 'nginx.conf');
  const pidPath = join(dir, 'nginx.pid');
  writeFileSync(
    confPath,
    renderDeployTemplate(
      'nginx/nginx.conf',
      nginxPlaceholders({
        pidFile: pidPath,
        logDir: dir,
        tempDir: tempPaths,
        upstreamsFile: upstreamsPath,
        listen: options.listen ?? '80',
        stateDir: options.vrrpStateDir ?? join(dir, 'vrrp'),
      }),
    ),
    { mode: 0o644 },
  );
  return {
    dir,
    confPath,
    upstreamsPath,
    pidPath,
    accessLogPath: join(dir, 'access.log'),
    errorLogPath: join(dir, 'error.log'),
    nginxArgs: ['-p', `${dir}/`, '-c', confPath],
  };
}

/** `nginx -t` on a node's files (in the root namespace: it only reads files). */
export function nodeNginxConfigTest(files: NodeNginxFiles): { ok: boolean; output: string } {
  const result = spawnSync('nginx', [...files.nginxArgs, '-e', files.errorLogPath, '-t'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

export type NodeNginxHandle = {
  readonly files: NodeNginxFiles;
  /** http://<node ip>:<port> as seen from the root namespace. */
  readonly url: string;
  readonly process: ManagedProcess | undefined;
  start(): Promise<void>;
  /** SIGKILL to the master and its workers: the node's Nginx dies. */
  kill(): Promise<void>;
  /** SIGHUP; resolves when new workers started, rejects with nginx's error when it refused the config. */
  reload(timeoutMs?: number): Promise<void>;
};

/**
 * Runs the real nginx with a node's files inside `ns` (`daemon off`, master + workers)
 * and waits until its /healthz answers from the root namespace.
 */
export async function startNodeNginx(
  ns: Namespace,
  files: NodeNginxFiles,
  port = 80,
): Promise<NodeNginxHandle> {
  const url = `http://${ns.ip}:${port}`;
  let master: ManagedProcess | undefined;
  let removeTreeCleanup: (() => void) | undefined;

  const killTree = (target: ManagedProcess) => {
    const workers = childPids(target.pid);
    for (const pid of [target.pid, ...workers]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return workers;
  };

  const handle: NodeNginxHandle = {
    files,
    url,
    get process() {
      return master;
    },
    async start() {
      if (master && isRunning(master)) throw new Error(`nginx in ${ns.name} is already running`);
      const child = startProcess(`nginx@${ns.name}`, 'ip', [
        'netns',
        'exec',
        ns.name,
        'nginx',
        ...files.nginxArgs,
        '-e',
        files.errorLogPath,
        '-g',
        'daemon off;',
      ]);
      master = child;
      removeTreeCleanup = onCleanup(() => {
        if (isRunning(child)) killTree(child);
      });
      await waitFor(
        `nginx in ${ns.name} to answer ${url}/healthz`,
        async () => {
          if (!isRunning(child))
            throw new StopWaiting(
              `nginx exited: ${child.output().slice(-2000)} ${tail(files.errorLogPath)}`,
            );
          const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
          await response.arrayBuffer();
          return response.status === 200;
        },
        { timeoutMs: 15_000, intervalMs: 25 },
      );
    },
    async kill() {
      const child = master;
      if (!child) return;
      const workers = killTree(child);
      await child.exited;
      await waitFor(
        `nginx workers in ${ns.name} to exit`,
        () => workers.every((pid) => !pidAlive(pid)),
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      removeTreeCleanup?.();
      master = undefined;
    },
    async reload(timeoutMs = 10_000) {
      const child = master;
      if (!child || !isRunning(child)) throw new Error(`nginx in ${ns.name} is not running`);
      const from = existsSync(files.errorLogPath) ? statSync(files.errorLogPath).size : 0;
      child.child.kill('SIGHUP');
      const outcome = await waitFor(
        `nginx in ${ns.name} to reload`,
        () => {
          const added = existsSync(files.errorLogPath)
            ? readFileSync(files.errorLogPath).subarray(from).toString('utf8')
            : '';
          const failure = /\[emerg\][^\n]*/.exec(added);
          if (failure) return { ok: false as const, message: failure[0] };
          return /start worker process/.test(added) ? { ok: true as const } : undefined;
        },
        { timeoutMs, intervalMs: 20 },
      );
      if (!outcome.ok) throw new Error(`nginx refused the new config: ${outcome.message}`);
    },
  };
  await handle.start();
  return handle;
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').slice(-2000) : '';
}
