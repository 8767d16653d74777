import { Redis } from 'ioredis';

/** The test's own ear on every Sentinel: when each `+switch-master` was first heard. */
export type SwitchListener = {
  /** Epoch ms of the first `+switch-master` heard after `since`, if any. */
  switchedAfter(since: number): number | undefined;
  close(): void;
};

export function listenForSwitches(sentinelPorts: readonly number[]): Promise<SwitchListener> {
  const heard: number[] = [];
  const clients = sentinelPorts.map((port) => {
    const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    client.on('message', () => heard.push(Date.now()));
    return client;
  });
  return Promise.all(clients.map((client) => client.subscribe('+switch-master'))).then(() => ({
    switchedAfter: (since) => heard.filter((time) => time >= since).sort((a, b) => a - b)[0],
    close() {
      for (const client of clients) client.disconnect();
    },
  }));
}
