#!/usr/bin/env node
// Steady idempotent traffic to the VIP from the client namespace, twice over, one request
// at a time per mode every FAILOVER_TRAFFIC interval: "sdk" (the send SDK with its shipped
// retries) and "plain" (one attempt: when the VIP answers). One JSON line per request on
// stdout-free log file; runs until SIGTERM.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendClient } from '@gateway/sdk';

export type TrafficLine = {
  readonly mode: 'sdk' | 'plain';
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
  readonly attempts: number;
};

const config = JSON.parse(process.env['FAILOVER_TRAFFIC'] ?? '{}') as {
  url: string;
  logPath: string;
  intervalMs: number;
};
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());

async function run(mode: 'sdk' | 'plain'): Promise<void> {
  const client = SendClient({
    baseUrl: config.url,
    connectTimeoutMs: 300,
    requestTimeoutMs: 1_000,
    ...(mode === 'plain' ? { retry: { maxAttempts: 1 } } : {}),
  });
  while (!stop.signal.aborted) {
    const start = Date.now();
    let line: TrafficLine;
    try {
      const response = await client.get('/healthz');
      line = {
        mode,
        start,
        end: Date.now(),
        ok: response.statusCode === 200,
        attempts: response.attempts,
      };
    } catch {
      line = { mode, start, end: Date.now(), ok: false, attempts: 0 };
    }
    appendFileSync(config.logPath, `${JSON.stringify(line)}\n`);
    await sleep(config.intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  await client.close();
}

await Promise.all([run('sdk'), run('plain')]);
