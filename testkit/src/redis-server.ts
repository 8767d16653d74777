import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import type { RedisTlsFiles } from './redis-tls-files.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import { tempDir } from './temp-dir.js';
import { StopWaiting, waitFor } from './wait-for.js';

export type RedisServerHandle = {
  readonly port: number;
  /** redis://[:password@]127.0.0.1:port */
  readonly url: string;
  readonly process: ManagedProcess;
  /** A client for assertions, closed by stop(). */
  readonly client: Redis;
  stop(): Promise<void>;
};

/**
 * Starts a real `redis-server` on 127.0.0.1 and a free port, with no persistence
 * (a replica of another one with `replicaOf`), and waits until it answers PING. With
 * `port` (e.g. the port of one just stopped: a restart that lost every key), on that port.
 */
export async function startRedisServer(
  options: {
    password?: string;
    /** The user the handle's client logs in as (with `password`), e.g. an ACL file's admin. */
    username?: string;
    /** An ACL file (redis.conf `aclfile`). */
    aclFile?: string;
    /** TLS only (`port 0`, `tls-port`), client certificates required; the handle's client uses `clientCert`. */
    tls?: RedisTlsFiles;
    /** More redis.conf lines (e.g. `maxmemory-policy noeviction`). */
    config?: readonly string[];
    port?: number;
    /** Start as a replica of the master on 127.0.0.1:`replicaOf`. */
    replicaOf?: number;
  } = {},
): Promise<RedisServerHandle> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = tempDir('redis');
    const conf = join(dir, 'redis.conf');
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        'protected-mode no',
        'save ""',
        'appendonly no',
        `dir ${dir}`,
        'loglevel warning',
        // A replica that must resync (after a failover) gets the data at once, not after 5 s.
        'repl-diskless-sync-delay 0',
        ...(options.password
          ? [`requirepass ${options.password}`, `masterauth ${options.password}`]
          : []),
        ...(options.replicaOf ? [`replicaof 127.0.0.1 ${options.replicaOf}`] : []),
        ...(options.aclFile ? [`aclfile ${options.aclFile}`] : []),
        ...(options.tls
          ? [
              'port 0',
              `tls-port ${port}`,
              `tls-cert-file ${options.tls.serverCertFile}`,
              `tls-key-file ${options.tls.serverKeyFile}`,
              `tls-ca-cert-file ${options.tls.caFile}`,
              'tls-auth-clients yes',
            ]
          : []),
        ...(options.config ?? []),
      ].join('\n') + '\n',
    );
    const server = startProcess(`redis-server:${port}`, 'redis-server', [conf]);
    const client = new Redis({
      host: '127.0.0.1',
      port,
      username: options.username,
      password: options.password,
      ...(options.tls
        ? {
            tls: {
              ca: readFileSync(options.tls.caFile),
              cert: readFileSync(options.tls.clientCertFile),
              key: readFileSync(options.tls.clientKeyFile),
            },
          }
        : {}),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    try {
      await waitFor(
        `redis-server on port ${port}`,
        async () => {
          if (!isRunning(server)) throw new StopWaiting(`redis-server exited: ${server.output()}`);
          if (client.status === 'wait') await client.connect();
          return (await client.ping()) === 'PONG';
        },
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      client.disconnect();
      await server.stop('SIGKILL');
      if (attempt < 3 && options.port === undefined) continue;
      throw error;
    }
    const auth = options.password
      ? `${encodeURIComponent(options.username ?? '')}:${encodeURIComponent(options.password)}@`
      : '';
    return {
      port,
      url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
      process: server,
      client,
      async stop() {
        client.disconnect();
        await server.stop('SIGTERM', 3_000);
      },
    };
  }
}
