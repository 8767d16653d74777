/**
 * Worker thread: sends ReportSuspect at a fixed rate (open loop: on schedule, whatever the
 * answers) from one sdk token, on its own event loop so the flood does not delay the
 * measuring thread's timers. Posts the outcome counts when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createChannel, createClient, Metadata, Status, ClientError } from 'nice-grpc';
import { FailureKind, NodeHealthServiceDefinition } from '@gateway/proto/health';

type FloodOrder = { address: string; token: string; perSecond: number; durationMs: number };

const MAX_IN_FLIGHT = 2_000;
const TICK_MS = 10;

const order = workerData as FloodOrder;
const channel = createChannel(order.address);
const client = createClient(NodeHealthServiceDefinition, channel, {
  '*': { metadata: Metadata({ authorization: `Bearer ${order.token}` }) },
});
const counts: Record<string, number> = { sent: 0, skipped: 0 };
let inFlight = 0;
const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);

const started = performance.now();
let due = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    if (elapsed >= order.durationMs) {
      clearInterval(timer);
      resolve();
      return;
    }
    const target = Math.floor((elapsed / 1000) * order.perSecond);
    for (; due < target; due++) {
      if (inFlight >= MAX_IN_FLIGHT) {
        count('skipped');
        continue;
      }
      inFlight++;
      count('sent');
      client
        .reportSuspect({
          reporter: 'flooder',
          target: 'https://vip.example/',
          failureKind: FailureKind.FAILURE_KIND_TIMEOUT,
          consecutiveFailures: 3,
        })
        .then(
          () => count('OK'),
          (error: unknown) =>
            count(error instanceof ClientError ? Status[error.code] : 'client-error'),
        )
        .finally(() => inFlight--);
    }
  }, TICK_MS);
});
const drainUntil = performance.now() + 5_000;
while (inFlight > 0 && performance.now() < drainUntil)
  await new Promise((resolve) => setTimeout(resolve, 20));
counts['seconds'] = (performance.now() - started) / 1000;
channel.close();
parentPort?.postMessage(counts);
