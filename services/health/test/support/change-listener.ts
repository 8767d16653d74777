import { Redis } from 'ioredis';
import { parseHealthChange, RedisChannels, type HealthChange } from '@gateway/shared';

/** Records every message of the health change channel, with the local time it arrived. */
export async function listenHealthChanges(port: number): Promise<{
  readonly changes: Array<HealthChange & { receivedAt: number }>;
  close(): Promise<void>;
}> {
  const subscriber = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
  subscriber.on('error', () => undefined);
  const changes: Array<HealthChange & { receivedAt: number }> = [];
  subscriber.on('message', (_channel: string, message: string) => {
    const change = parseHealthChange(message);
    if (change) changes.push({ ...change, receivedAt: performance.now() });
  });
  await subscriber.subscribe(RedisChannels.healthChanges);
  return {
    changes,
    close() {
      subscriber.disconnect();
      return Promise.resolve();
    },
  };
}
