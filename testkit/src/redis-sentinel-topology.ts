import { Redis } from 'ioredis';
import { startRedisSentinel, type RedisSentinelHandle } from './redis-sentinel.js';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';
import { waitFor } from './wait-for.js';

export type SentinelTopology = {
  /** Every redis-server, the first one started as master. */
  readonly servers: readonly RedisServerHandle[];
  readonly sentinels: readonly RedisSentinelHandle[];
  readonly masterName: string;
  /** `host:port,host:port,...` of every Sentinel, as REDIS_SENTINELS takes it. */
  readonly sentinelList: string;
  /** The server Sentinel names as master now (asks the first Sentinel that answers). */
  master(): Promise<RedisServerHandle>;
  /** Waits until every Sentinel knows every replica and every other Sentinel. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A Redis master with `replicas` replicas and `sentinels` Sentinels (quorum: a
 * majority), all on 127.0.0.1, as an operator runs them: for failover tests.
 */
export async function startSentinelTopology(
  options: { replicas?: number; sentinels?: number; masterName?: string } = {},
): Promise<SentinelTopology> {
  const masterName = options.masterName ?? 'mymaster';
  const sentinelCount = options.sentinels ?? 3;
  const servers: RedisServerHandle[] = [];
  const sentinels: RedisSentinelHandle[] = [];
  const stop = async () => {
    await Promise.all(sentinels.map((sentinel) => sentinel.stop()));
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const master = await startRedisServer();
    servers.push(master);
    for (let i = 0; i < (options.replicas ?? 2); i++)
      servers.push(await startRedisServer({ replicaOf: master.port }));
    await waitFor(
      'every replica to be in sync with the master',
      async () => {
        const info = await master.client.info('replication');
        return (info.match(/^slave\d+:.*state=online/gm) ?? []).length === servers.length - 1;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    for (let i = 0; i < sentinelCount; i++)
      sentinels.push(
        await startRedisSentinel({
          masterPort: master.port,
          masterName,
          quorum: Math.floor(sentinelCount / 2) + 1,
        }),
      );
  } catch (error) {
    await stop();
    throw error;
  }

  const ask = async <T>(command: (client: Redis) => Promise<T>): Promise<T> => {
    let lastError: unknown;
    for (const sentinel of sentinels) {
      const client = new Redis({
        host: '127.0.0.1',
        port: sentinel.port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1_000,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return await command(client);
      } catch (error) {
        lastError = error;
      } finally {
        client.disconnect();
      }
    }
    throw lastError instanceof Error ? lastError : new Error('no Sentinel answered');
  };

  return {
    servers,
    sentinels,
    masterName,
    sentinelList: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
    async master() {
      const address = (await ask((client) =>
        client.call('SENTINEL', 'get-master-addr-by-name', masterName),
      )) as [string, string];
      const server = servers.find((candidate) => String(candidate.port) === address[1]);
      if (!server) throw new Error(`Sentinel names an unknown master ${address.join(':')}`);
      return server;
    },
    async settled(timeoutMs = 20_000) {
      await waitFor(
        'every Sentinel to know every replica and every other Sentinel',
        async () => {
          for (const sentinel of sentinels) {
            const client = new Redis({
              host: '127.0.0.1',
              port: sentinel.port,
              lazyConnect: true,
              maxRetriesPerRequest: 0,
              retryStrategy: () => null,
            });
            client.on('error', () => undefined);
            try {
              await client.connect();
              const replicas = (await client.call(
                'SENTINEL',
                'replicas',
                masterName,
              )) as string[][];
              const peers = (await client.call('SENTINEL', 'sentinels', masterName)) as unknown[];
              const healthy = replicas.filter((fields) => {
                const flags = fields[fields.indexOf('flags') + 1] ?? '';
                return !/s_down|o_down|disconnected/.test(flags);
              });
              if (healthy.length !== servers.length - 1 || peers.length !== sentinels.length - 1)
                return false;
            } finally {
              client.disconnect();
            }
          }
          return true;
        },
        { timeoutMs, intervalMs: 200 },
      );
    },
    stop,
  };
}
