import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import { tempDir } from './temp-dir.js';
import { StopWaiting, waitFor } from './wait-for.js';

export type SshdOptions = {
  /** Loopback address to listen on (127.0.0.0/8 only); default 127.0.0.1. */
  host?: string;
  /** Port; default a free one on `host`. */
  port?: number;
  /** Public key lines ("ssh-ed25519 AAAA...") allowed to log in. */
  authorizedKeys?: readonly string[];
  /** Refuse key authentication and offer only passwords (a badly set-up node). */
  passwordOnly?: boolean;
  /** `SetEnv` variables every session gets (e.g. which node-side config a script reads). */
  setEnv?: Readonly<Record<string, string>>;
  /** The login user; default the user running the tests (sshd runs as root to log in anyone else). */
  user?: string;
  /** Path of sshd; default /usr/sbin/sshd. */
  binary?: string;
  /**
   * Run sshd inside this network namespace (`ip netns exec`); `host` then defaults to
   * the namespace's address (which need not be loopback) and `port` to 22.
   */
  netns?: { readonly name: string; readonly ip: string };
};

export type SshdHandle = {
  readonly host: string;
  readonly port: number;
  /** The login user (key-only; root only with a key). */
  readonly user: string;
  /** The current host public key, "<type> <base64>" (no comment). */
  readonly hostKey: string;
  readonly dir: string;
  readonly process: ManagedProcess | undefined;
  /** Starts it again after stop() (same address, same host key). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A new host key (a reinstalled or impersonated node): restarts sshd with it, returns it. */
  rotateHostKey(): Promise<string>;
  /** SIGSTOP to sshd and every session: TCP connections are still accepted (kernel backlog), nothing answers. */
  freeze(): void;
  /** SIGCONT to what freeze() stopped. */
  thaw(): void;
  /** How many TCP connections sshd has logged so far. */
  connectionCount(): number;
};

/** A fresh key pair for a client (no passphrase unless given): the private key file and the public line. */
export function generateSshKey(
  dir = tempDir('ssh-key'),
  name = 'id_ed25519',
  passphrase = '',
): { privateKeyPath: string; publicKey: string } {
  const privateKeyPath = join(dir, name);
  execFileSync(
    'ssh-keygen',
    ['-q', '-t', 'ed25519', '-N', passphrase, '-C', '', '-f', privateKeyPath],
    {
      stdio: 'ignore',
    },
  );
  return { privateKeyPath, publicKey: publicLine(readFileSync(`${privateKeyPath}.pub`, 'utf8')) };
}

/**
 * Starts a real OpenSSH sshd (`-D -e`) on a loopback address with its own host key,
 * key-only login for the user running the tests (from `authorizedKeys`), no PAM, and
 * its own pid file and config. Resolves once it sends its banner. Killed when the test
 * process exits, whatever happens.
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdHandle> {
  const host = options.host ?? options.netns?.ip ?? '127.0.0.1';
  if (!options.netns && !host.startsWith('127.'))
    throw new Error(`startSshd: ${host} is not a loopback address (127.0.0.0/8)`);
  const port = options.port ?? (options.netns ? 22 : await freePort(host));
  const binary = options.binary ?? '/usr/sbin/sshd';
  const user = options.user ?? userInfo().username;
  const dir = tempDir('sshd');
  // sshd reads authorized_keys as the login user: let a non-root user through the directory.
  chmodSync(dir, 0o755);
  // sshd running as root wants its privilege-separation directory.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd'))
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const authorizedKeysPath = join(dir, 'authorized_keys');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(
    authorizedKeysPath,
    (options.authorizedKeys ?? []).map((line) => `${line}\n`).join(''),
    { mode: 0o644 },
  );
  let hostKey = makeHostKey(hostKeyPath);
  const keyAuth = options.passwordOnly ? 'no' : 'yes';
  const passwordAuth = options.passwordOnly ? 'yes' : 'no';
  writeFileSync(
    configPath,
    [
      '# Written by the test harness (shared/src/testing/sshd.ts).',
      `ListenAddress ${host}:${port}`,
      `HostKey ${hostKeyPath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      'StrictModes no',
      'UsePAM no',
      `PubkeyAuthentication ${keyAuth}`,
      `PasswordAuthentication ${passwordAuth}`,
      'KbdInteractiveAuthentication no',
      `PermitRootLogin ${options.passwordOnly ? 'yes' : 'prohibit-password'}`,
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      'MaxStartups 100:30:200',
      ...Object.entries(options.setEnv ?? {}).map(([name, value]) => `SetEnv ${name}=${value}`),
    ].join('\n') + '\n',
    { mode: 0o600 },
  );

  let daemon: ManagedProcess | undefined;
  let frozen: number[] = [];
  let previousOutput = '';

  const start = async () => {
    if (daemon && isRunning(daemon)) throw new Error(`sshd on ${host}:${port} is already running`);
    const child = options.netns
      ? startProcess(`sshd:${host}:${port}@${options.netns.name}`, 'ip', [
          'netns',
          'exec',
          options.netns.name,
          binary,
          '-D',
          '-e',
          '-f',
          configPath,
        ])
      : startProcess(`sshd:${host}:${port}`, binary, ['-D', '-e', '-f', configPath]);
    daemon = child;
    try {
      await waitFor(
        `sshd on ${host}:${port} to send its banner`,
        async () => {
          if (!isRunning(child))
            throw new StopWaiting(`sshd exited: ${child.output().slice(-2000)}`);
          return await banner(host, port);
        },
        { timeoutMs: 15_000, intervalMs: 25 },
      );
    } catch (error) {
      await child.stop('SIGKILL');
      throw error;
    }
  };

  const stop = async () => {
    const child = daemon;
    if (!child) return;
    const sessions = descendants(child.pid);
    if (frozen.length > 0) thaw();
    await child.stop('SIGTERM', 3_000);
    for (const pid of sessions) signal(pid, 'SIGKILL');
    previousOutput += child.output();
    daemon = undefined;
  };

  function thaw() {
    for (const pid of frozen) signal(pid, 'SIGCONT');
    frozen = [];
  }

  await start();

  return {
    host,
    port,
    user,
    get hostKey() {
      return hostKey;
    },
    dir,
    get process() {
      return daemon;
    },
    start,
    stop,
    async rotateHostKey() {
      await stop();
      hostKey = makeHostKey(hostKeyPath);
      await start();
      return hostKey;
    },
    freeze() {
      if (!daemon || !isRunning(daemon)) throw new Error(`sshd on ${host}:${port} is not running`);
      frozen = [daemon.pid, ...descendants(daemon.pid)];
      for (const pid of frozen) signal(pid, 'SIGSTOP');
    },
    thaw,
    connectionCount() {
      const text = previousOutput + (daemon?.output() ?? '');
      return (text.match(/Connection from /g) ?? []).length;
    },
  };
}

function makeHostKey(path: string): string {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path], {
    stdio: 'ignore',
  });
  chmodSync(path, 0o600);
  return publicLine(readFileSync(`${path}.pub`, 'utf8'));
}

function publicLine(text: string): string {
  const [type, base64] = text.trim().split(/\s+/);
  return `${type} ${base64}`;
}

/** Resolves true once the server sends an SSH banner on a fresh connection. */
async function banner(host: string, port: number): Promise<boolean> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no banner within 1 s'));
    }, 1_000);
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.toString('latin1').startsWith('SSH-2.0-'));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter((text) => text !== '')
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
