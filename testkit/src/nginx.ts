import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { freePort } from './free-port.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import { tempDir } from './temp-dir.js';
import { childPids, pidAlive } from './proc.js';
import { StopWaiting, waitFor } from './wait-for.js';

export type NginxOptions = {
  /** Loopback address to listen on (127.0.0.0/8 only); default 127.0.0.1. */
  host?: string;
  /** Port; default a free one on `host`. */
  port?: number;
  /** Extra directives inside `http { }` (an `include` of a rendered upstream file, more `server` blocks...). */
  httpConfig?: string;
  /** Extra directives inside the default `server { }` (locations, `proxy_pass`...). */
  serverConfig?: string;
  /** Serve `location = /healthz { return 200 "ok"; }` (default true). */
  healthz?: boolean;
  /** Path of the nginx binary; default `nginx` from PATH. */
  binary?: string;
};

/** One access-log line, parsed (the log is JSON lines, see `LOG_FORMAT`). */
export type NginxAccessEntry = {
  /** Epoch seconds with milliseconds ($msec). */
  readonly time: number;
  readonly remote: string;
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  /** $upstream_addr: the backend(s) tried, "" when none. */
  readonly upstream: string;
  readonly upstreamStatus: string;
  /** $request_time in seconds. */
  readonly requestTime: number;
  readonly userAgent: string;
};

export type NginxHandle = {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** The nginx.conf written for this instance (rewrite it and call reload() to change it). */
  readonly confPath: string;
  /** Its own directory: pid file, temp paths, logs. */
  readonly dir: string;
  readonly accessLogPath: string;
  readonly errorLogPath: string;
  /** The running master process, or undefined while stopped. */
  readonly process: ManagedProcess | undefined;
  /** Starts it again (same address, same config) after stop() or kill(). */
  start(): Promise<void>;
  /** Graceful stop (SIGQUIT, then SIGKILL of the whole tree after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL to the master and its workers at once: a crashed node. */
  kill(): Promise<void>;
  /** SIGHUP; resolves when new workers run the new config, rejects with nginx's error when it refused it. */
  reload(timeoutMs?: number): Promise<void>;
  /** `nginx -t` on the current config: undefined when valid, else nginx's message. */
  testConfig(): Promise<string | undefined>;
  /** Parsed access-log lines so far. */
  accessLog(): NginxAccessEntry[];
};

const LOG_FORMAT =
  `log_format gateway_json escape=json '{"time":$msec,"remote":"$remote_addr","request":"$request","uri":"$uri",' ` +
  `'"status":$status,"upstream":"$upstream_addr","upstream_status":"$upstream_status",' ` +
  `'"request_time":$request_time,"user_agent":"$http_user_agent"}';`;

/**
 * Starts a real nginx (master + one worker, `daemon off`) on a loopback address with
 * its own directory: config, pid file, temp paths, error log and a JSON access log
 * that records `$upstream_addr` and `$request_time`. Resolves once it answers
 * HTTP. Killed (master and workers) when the test process exits, whatever happens.
 */
export async function startNginx(options: NginxOptions = {}): Promise<NginxHandle> {
  const host = options.host ?? '127.0.0.1';
  if (!isIPv4(host) || !host.startsWith('127.'))
    throw new Error(`startNginx: ${host} is not a loopback address (127.0.0.0/8)`);
  const port = options.port ?? (await freePort(host));
  const binary = options.binary ?? 'nginx';
  const dir = tempDir('nginx');
  // Workers run as an unprivileged user when the tests run as root: let them in.
  chmodSync(dir, 0o755);
  const confPath = join(dir, 'nginx.conf');
  const accessLogPath = join(dir, 'access.log');
  const errorLogPath = join(dir, 'error.log');
  const pidPath = join(dir, 'nginx.pid');
  writeFileSync(
    confPath,
    renderConfig({ ...options, host, port, dir, accessLogPath, errorLogPath, pidPath }),
    { mode: 0o644 },
  );
  const baseArgs = ['-p', `${dir}/`, '-c', confPath, '-e', errorLogPath];

  let master: ManagedProcess | undefined;
  let removeTreeCleanup: (() => void) | undefined;

  const killTree = (target: ManagedProcess) => {
    const workers = childPids(target.pid);
    try {
      process.kill(target.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const pid of workers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const waitWorkersGone = async (workers: number[]) => {
    await waitFor('nginx workers to exit', () => workers.every((pid) => !pidAlive(pid)), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
  };

  const start = async () => {
    if (master && isRunning(master)) throw new Error(`nginx on ${host}:${port} is already running`);
    const child = startProcess(`nginx:${host}:${port}`, binary, [...baseArgs, '-g', 'daemon off;']);
    master = child;
    // Registered after startProcess's own cleanup, so it runs first: the workers die with the master.
    removeTreeCleanup = onCleanup(() => {
      if (isRunning(child)) killTree(child);
    });
    try {
      await waitFor(
        `nginx on ${host}:${port} to answer`,
        async () => {
          if (!isRunning(child))
            throw new StopWaiting(
              `nginx exited: ${child.output().slice(-2000)} ${readTail(errorLogPath)}`,
            );
          return await ping(host, port);
        },
        { timeoutMs: 15_000, intervalMs: 25 },
      );
    } catch (error) {
      killTree(child);
      await child.exited;
      throw error;
    }
  };

  const stopWith = async (graceful: boolean, timeoutMs: number) => {
    const child = master;
    if (!child) return;
    const workers = childPids(child.pid);
    if (isRunning(child)) {
      if (graceful) {
        child.child.kill('SIGQUIT');
        const timer = setTimeout(() => killTree(child), timeoutMs);
        await child.exited;
        clearTimeout(timer);
      } else {
        killTree(child);
        await child.exited;
      }
    }
    for (const pid of workers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await waitWorkersGone(workers);
    removeTreeCleanup?.();
    master = undefined;
  };

  await start();

  return {
    host,
    port,
    url: `http://${host}:${port}`,
    confPath,
    dir,
    accessLogPath,
    errorLogPath,
    get process() {
      return master;
    },
    start,
    stop: (timeoutMs = 5_000) => stopWith(true, timeoutMs),
    kill: () => stopWith(false, 0),
    async reload(timeoutMs = 10_000) {
      const child = master;
      if (!child || !isRunning(child)) throw new Error(`nginx on ${host}:${port} is not running`);
      const from = existsSync(errorLogPath) ? statSync(errorLogPath).size : 0;
      const oldWorkers = childPids(child.pid);
      child.child.kill('SIGHUP');
      const outcome = await waitFor(
        `nginx on ${host}:${port} to reload`,
        () => {
          const added = readFrom(errorLogPath, from);
          const failure = /\[emerg\][^\n]*/.exec(added);
          if (failure) return { ok: false as const, message: failure[0] };
          return /start worker process/.test(added) ? { ok: true as const } : undefined;
        },
        { timeoutMs, intervalMs: 20 },
      );
      if (!outcome.ok) throw new Error(`nginx refused the new config: ${outcome.message}`);
      // Old workers finish their requests and close idle keep-alive connections: once they
      // are gone, every answer comes from the new config.
      await waitWorkersGone(oldWorkers);
    },
    async testConfig() {
      const test = startProcess(`nginx-t:${host}:${port}`, binary, [...baseArgs, '-t', '-q']);
      const result = await test.exited;
      return result.code === 0
        ? undefined
        : test.output().trim() || `nginx -t exited ${result.code}`;
    },
    accessLog() {
      if (!existsSync(accessLogPath)) return [];
      return readFileSync(accessLogPath, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(parseAccessLine);
    },
  };
}

function renderConfig(
  o: NginxOptions & {
    host: string;
    port: number;
    dir: string;
    accessLogPath: string;
    errorLogPath: string;
    pidPath: string;
  },
): string {
  const temp = (name: string) => join(o.dir, `${name}_temp`);
  return `# Written by the test harness (shared/src/testing/nginx.ts).
worker_processes 1;
pid ${o.pidPath};
error_log ${o.errorLogPath} notice;
events { worker_connections 1024; }
http {
  ${LOG_FORMAT}
  access_log ${o.accessLogPath} gateway_json;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  default_type text/plain;
  keepalive_timeout 5s;
${indent(o.httpConfig ?? '', 2)}
  server {
    listen ${o.host}:${o.port};
${o.healthz === false ? '' : '    location = /healthz { return 200 "ok"; }\n'}${indent(o.serverConfig ?? '', 4)}
    location = /__nginx_harness_ping { access_log off; return 204; }
  }
}
`;
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : pad + line))
    .join('\n');
}

function parseAccessLine(line: string): NginxAccessEntry {
  const raw = JSON.parse(line) as Record<string, string | number | undefined>;
  const request = String(raw['request'] ?? '');
  return {
    time: Number(raw['time']),
    remote: String(raw['remote'] ?? ''),
    method: request.split(' ')[0] ?? '',
    uri: String(raw['uri'] ?? ''),
    status: Number(raw['status']),
    upstream: String(raw['upstream'] ?? ''),
    upstreamStatus: String(raw['upstream_status'] ?? ''),
    requestTime: Number(raw['request_time']),
    userAgent: String(raw['user_agent'] ?? ''),
  };
}

/** The direct children of `pid` (nginx's workers and cache processes). */
/** One GET on a fresh connection (no keep-alive left behind to pin an old worker). */
async function ping(host: string, port: number): Promise<boolean> {
  return await new Promise((resolve, reject) => {
    const request = httpGet(
      { host, port, path: '/__nginx_harness_ping', agent: false, timeout: 1_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(true));
      },
    );
    request.on('timeout', () => request.destroy(new Error('ping timed out')));
    request.on('error', reject);
  });
}

function readFrom(path: string, offset: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path).subarray(offset).toString('utf8');
}

function readTail(path: string): string {
  return readFrom(path, 0).slice(-2000);
}
