#!/usr/bin/env node
// A client in its own network namespace: steady traffic to the VIP through the send
// SDK, twice over, one request at a time per mode, every TRAFFIC interval:
//   - "sdk":   the SDK as shipped (retries, suspect reports to the health service);
//   - "plain": the same SDK with one attempt and no reports (what a naive client sees).
// Every request, failed attempt and suspect-report outcome is appended as one JSON line
// to the log file; the test reads it. Runs until SIGTERM.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendClient, SendError, type SendClientOptions } from '@gateway/sdk';
import type { TrafficClientConfig, TrafficEvent } from './traffic-log.js';

const config = JSON.parse(process.env['TRAFFIC_CONFIG'] ?? '') as TrafficClientConfig;
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());

const log = (event: TrafficEvent) => appendFileSync(config.logPath, `${JSON.stringify(event)}\n`);

function clientFor(mode: 'sdk' | 'plain'): SendClient {
  const options: SendClientOptions = {
    baseUrl: config.vipUrl,
    connectTimeoutMs: 500,
    requestTimeoutMs: 2_000,
    onAttemptFailure: (failure) =>
      log({
        type: 'attempt-failure',
        mode,
        at: Date.now(),
        kind: failure.kind,
        consecutive: failure.consecutiveFailures,
      }),
    ...(mode === 'plain'
      ? { retry: { maxAttempts: 1 } }
      : config.centers.length > 0
        ? {
            suspect: {
              centers: config.centers,
              token: config.token,
              reporter: config.reporter,
              ...(config.tls ? { tls: config.tls } : {}),
              minIntervalMs: 1_000,
              onOutcome: (outcome) => log({ type: 'report', mode, at: Date.now(), outcome }),
            },
          }
        : {}),
  };
  return SendClient(options);
}

async function run(mode: 'sdk' | 'plain'): Promise<void> {
  const client = clientFor(mode);
  for (let seq = 0; !stop.signal.aborted; seq++) {
    const start = Date.now();
    try {
      const response = await client.get(`/work?mode=${mode}&seq=${seq}`);
      log({
        type: 'request',
        mode,
        seq,
        start,
        end: Date.now(),
        ok: response.statusCode === 200,
        status: response.statusCode,
        attempts: response.attempts,
        body: response.text().slice(0, 200),
      });
    } catch (error) {
      const kind = error instanceof SendError ? error.kind : String(error);
      const attempts = error instanceof SendError ? error.attempts : 1;
      log({
        type: 'request',
        mode,
        seq,
        start,
        end: Date.now(),
        ok: false,
        status: 0,
        attempts,
        body: '',
        error: kind,
      });
    }
    await sleep(config.intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  await client.close();
}

log({ type: 'started', mode: 'sdk', at: Date.now() });
await Promise.all([run('sdk'), run('plain')]);
