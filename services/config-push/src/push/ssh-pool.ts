import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { Client as SshClient } from 'ssh2';
import { deadline, type Logger, type SshEndpointData } from '@gateway/shared';
import {
  checkPresentedKey,
  hostKeyPolicy,
  policySignature,
  type HostKeyPolicy,
} from './host-verifier.js';
import { PushError } from './push-error.js';
import { runCommand, type ExecResult } from './run-command.js';
import { target } from './ssh-target.js';

export type { ExecResult } from './run-command.js';

const { Client } = ssh2;

export type SshPool = {
  /**
   * Runs `command` on the node with `stdin`, over a pooled connection (opened with key
   * authentication and a verified host key when needed). Rejects with a PushError.
   * When `signal` aborts, the connection is dropped (it may be hung).
   */
  exec(
    endpoint: SshEndpointData,
    command: string,
    /** Written as it is; chunks one after the other, never joined. */
    stdin: string | readonly Buffer[],
    signal: AbortSignal,
  ): Promise<ExecResult>;
  /** Closes every connection. */
  close(): void;
};

type Pooled = {
  client: SshClient;
  /** The host keys this connection was verified against (policySignature). */
  verifiedUnder: string;
  ready: Promise<void>;
  idleTimer: NodeJS.Timeout | undefined;
  busy: number;
};

/**
 * SSH connections to the nodes, reused across pushes and closed after `idleTimeoutMs`
 * unused (0: never kept). Key authentication only; the host key must match the node's
 * pinned key or the known_hosts file, else nothing is sent. Connecting is bounded by
 * `connectTimeoutMs`. Before each use the keys accepted for the node are read again
 * (pin and known_hosts): a kept connection verified under other keys is closed, so a
 * key removed from known_hosts or a new pin takes effect at the next push.
 */
export function SshPool(options: {
  privateKeyFile: string;
  passphrase: string | undefined;
  knownHostsFile: string;
  connectTimeoutMs: number;
  /** One remote command, once connected. */
  commandTimeoutMs: number;
  idleTimeoutMs: number;
  logger: Logger;
}): SshPool {
  const { logger } = options;
  const privateKey = readFileSync(options.privateKeyFile);
  const pool = new Map<string, Pooled>();

  const discard = (key: string, entry: Pooled) => {
    if (pool.get(key) === entry) pool.delete(key);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.client.destroy();
  };

  const open = (
    key: string,
    endpoint: SshEndpointData,
    policy: Extract<HostKeyPolicy, { ok: true }>,
  ): Pooled => {
    const client = new Client();
    const entry: Pooled = {
      client,
      verifiedUnder: policySignature(policy),
      ready: Promise.resolve(),
      idleTimer: undefined,
      busy: 0,
    };
    entry.ready = (async () => {
      let hostKeyProblem: string | undefined;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new PushError(
              'timeout',
              `ssh to ${target(endpoint)}: no handshake within ${options.connectTimeoutMs} ms`,
            ),
          );
          client.destroy();
        }, options.connectTimeoutMs + 500);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
        client.once('error', (error: Error & { level?: string }) => {
          clearTimeout(timer);
          reject(describeConnectError(endpoint, error, hostKeyProblem, policy.algorithms));
        });
        client.once('close', () => {
          clearTimeout(timer);
          reject(
            new PushError(
              'connect',
              `ssh to ${target(endpoint)}: connection closed during the handshake`,
            ),
          );
        });
        client.connect({
          host: endpoint.host,
          port: endpoint.port,
          username: endpoint.user,
          privateKey,
          ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
          authHandler: ['publickey'],
          tryKeyboard: false,
          readyTimeout: options.connectTimeoutMs,
          keepaliveInterval: 10_000,
          keepaliveCountMax: 3,
          algorithms: { serverHostKey: policy.algorithms as never },
          hostVerifier: (presented: Buffer) => {
            hostKeyProblem = checkPresentedKey(policy, presented);
            return hostKeyProblem === undefined;
          },
        });
      });
    })();
    // Awaited by exec; a rejection nobody awaits any more (the push gave up) is not a crash.
    entry.ready.catch(() => undefined);
    client.on('error', () => undefined);
    client.on('close', () => {
      if (pool.get(key) === entry) pool.delete(key);
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
    });
    return entry;
  };

  const execOnce = async (
    endpoint: SshEndpointData,
    command: string,
    stdin: string | readonly Buffer[],
    signal: AbortSignal,
    fresh: boolean,
  ): Promise<ExecResult> => {
    const key = poolKey(endpoint);
    const policy = await hostKeyPolicy(endpoint, options.knownHostsFile);
    let entry = fresh ? undefined : pool.get(key);
    if (entry && (!policy.ok || entry.verifiedUnder !== policySignature(policy))) {
      logger.info(
        { node: target(endpoint) },
        'the host keys accepted for the node changed: closing its kept ssh connection',
      );
      if (entry.busy === 0) discard(key, entry);
      else pool.delete(key);
      entry = undefined;
    }
    if (!policy.ok) throw new PushError('host_key', `${policy.reason}: push refused`);
    if (!entry) {
      entry = open(key, endpoint, policy);
      pool.set(key, entry);
    }
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.busy++;
    const current = entry;
    const onAbort = () => discard(key, current);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new PushError('timeout', `push to ${target(endpoint)} aborted`);
      const gaveUp = aborted(signal, endpoint);
      gaveUp.catch(() => undefined);
      await Promise.race([current.ready, gaveUp]);
      const commandDeadline = deadline(signal, options.commandTimeoutMs);
      try {
        return await runCommand(
          current.client,
          command,
          stdin,
          commandDeadline.signal,
          endpoint,
          () =>
            signal.aborted
              ? 'did not finish in time'
              : `did not finish within ${options.commandTimeoutMs} ms (CONFIG_PUSH_COMMAND_TIMEOUT)`,
        );
      } finally {
        commandDeadline.clear();
      }
    } catch (error) {
      discard(key, current);
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      current.busy--;
      if (current.busy === 0 && pool.get(key) !== current) discard(key, current);
      else if (current.busy === 0) {
        if (options.idleTimeoutMs === 0) discard(key, current);
        else
          current.idleTimer = setTimeout(
            () => discard(key, current),
            options.idleTimeoutMs,
          ).unref();
      }
      logger.trace({ node: target(endpoint) }, 'ssh exec finished');
    }
  };

  return {
    async exec(endpoint, command, stdin, signal) {
      const reused = pool.has(poolKey(endpoint));
      try {
        return await execOnce(endpoint, command, stdin, signal, false);
      } catch (error) {
        // A kept connection the node closed meanwhile (restart, idle limit): once more on a fresh one.
        if (!reused || signal.aborted || !(error instanceof PushError) || error.kind !== 'connect')
          throw error;
        logger.debug(
          { node: target(endpoint), err: error },
          'kept ssh connection unusable: reconnecting',
        );
        return await execOnce(endpoint, command, stdin, signal, true);
      }
    },
    close() {
      for (const [key, entry] of pool) discard(key, entry);
    },
  };
}

function aborted(signal: AbortSignal, endpoint: SshEndpointData): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(new PushError('timeout', `ssh to ${target(endpoint)}: no connection in time`));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function describeConnectError(
  endpoint: SshEndpointData,
  error: Error & { level?: string },
  hostKeyProblem: string | undefined,
  algorithms: string[],
): PushError {
  const where = target(endpoint);
  if (hostKeyProblem)
    return new PushError('host_key', `ssh to ${where}: ${hostKeyProblem}: push refused`);
  if (error.level === 'client-authentication') {
    return new PushError(
      'auth',
      `ssh to ${where}: key authentication for user "${endpoint.user}" was refused (the node must accept this service's key; password login is never used): push refused`,
    );
  }
  if (/host key|hostkey/i.test(error.message)) {
    return new PushError(
      'host_key',
      `ssh to ${where}: the node offers no host key of the accepted types (${algorithms.join(', ')}): ${error.message}: push refused`,
    );
  }
  if (/timed out/i.test(error.message))
    return new PushError('timeout', `ssh to ${where}: ${error.message}`);
  return new PushError('connect', `ssh to ${where}: ${error.message}`);
}

/** One kept connection per user and address (its accepted host keys are checked at each use). */
function poolKey(endpoint: SshEndpointData): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}
