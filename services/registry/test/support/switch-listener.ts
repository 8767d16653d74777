import { Redis } from 'ioredis';

export type HeardSwitch = { readonly time: number; readonly toPort: number };

/**
 * The test's own ear on every Sentinel: each new master `+switch-master` announced,
 * with when it was first heard (a loaded machine can see a second failover follow
 * the first; each counts from its own switch).
 */
export type SwitchListener = {
  /** Epoch ms of the first `+switch-master` heard after `since`, if any. */
  switchedAfter(since: number): number | undefined;
  /** Every switch to a new master heard after `since`, first announcement each, in order. */
  switchesAfter(since: number): HeardSwitch[];
  close(): void;
};

export function listenForSwitches(sentinelPorts: readonly number[]): Promise<SwitchListener> {
  const heard: HeardSwitch[] = [];
  const clients = sentinelPorts.map((port) => {
    const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    client.on('message', (_channel: string, message: string) =>
      heard.push({ time: Date.now(), toPort: Number(message.trim().split(/\s+/)[4]) }),
    );
    return client;
  });
  const switchesAfter = (since: number) => {
    const result: HeardSwitch[] = [];
    for (const entry of [...heard].sort((a, b) => a.time - b.time))
      if (entry.time >= since && result.at(-1)?.toPort !== entry.toPort) result.push(entry);
    return result;
  };
  return Promise.all(clients.map((client) => client.subscribe('+switch-master'))).then(() => ({
    switchedAfter: (since) => switchesAfter(since)[0]?.time,
    switchesAfter,
    close() {
      for (const client of clients) client.disconnect();
    },
  }));
}
