import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { isRunning, startProcess, type ManagedProcess } from './managed-process.js';
import { tempDir } from './temp-dir.js';
import { StopWaiting, waitFor } from './wait-for.js';

export type RedisSentinelHandle = {
  readonly port: number;
  readonly masterName: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
};

/** Starts a real `redis-sentinel` monitoring the master at 127.0.0.1:`masterPort`. */
export async function startRedisSentinel(options: {
  masterPort: number;
  masterName?: string;
  masterPassword?: string;
  /** Sentinels that must agree the master is down (default 1: a lone Sentinel). */
  quorum?: number;
}): Promise<RedisSentinelHandle> {
  const masterName = options.masterName ?? 'mymaster';
  const port = await freePort();
  const dir = tempDir('sentinel');
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'protected-mode no',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${options.masterPort} ${options.quorum ?? 1}`,
      ...(options.masterPassword
        ? [`sentinel auth-pass ${masterName} ${options.masterPassword}`]
        : []),
      `sentinel down-after-milliseconds ${masterName} 1000`,
      `sentinel failover-timeout ${masterName} 3000`,
    ].join('\n') + '\n',
  );
  const sentinel = startProcess(`redis-sentinel:${port}`, 'redis-sentinel', [conf]);
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
  });
  client.on('error', () => undefined);
  try {
    await waitFor(
      `redis-sentinel on port ${port} to know ${masterName}`,
      async () => {
        if (!isRunning(sentinel))
          throw new StopWaiting(`redis-sentinel exited: ${sentinel.output()}`);
        if (client.status === 'wait') await client.connect();
        const address = (await client.call('SENTINEL', 'get-master-addr-by-name', masterName)) as
          string[] | null;
        return address?.[1] === String(options.masterPort);
      },
      { timeoutMs: 10_000 },
    );
  } finally {
    client.disconnect();
  }
  return {
    port,
    masterName,
    process: sentinel,
    async stop() {
      await sentinel.stop('SIGTERM', 3_000);
    },
  };
}
