/**
 * One token's flood does not slow the others: while one sdk token sends 2,000
 * ReportSuspect/s to the health service, another (core) token's Register p99 at the
 * registry stays within 2× of its p99 with no flood, both measured in this run on the same
 * processes, redis-server and machine. The flood is mostly answered RESOURCE_EXHAUSTED by
 * the per-token limit before any work (GATEWAY_TOKEN_RATE / _BURST at their defaults).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  tempDir,
  type ServiceProcess,
} from '@gateway/testkit';
import type { Benchmark, BenchmarkOptions, BenchmarkResult } from '../framework/benchmark.js';

const FLOOD_PER_SECOND = 2_000;
const REGISTER_PER_SECOND = 50;
const TARGET_RATIO = 2;
const CORE_TOKEN = 'core-measured-0123456789';
const SDK_TOKEN = 'sdk-flooding-0123456789';

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
}

/** Registers new instances at a steady pace for `durationMs`; the latency of each, in ms. */
async function registerLatencies(
  client: ReturnType<typeof createClient<typeof RegistryServiceDefinition>>,
  phase: number,
  durationMs: number,
  signal: AbortSignal,
): Promise<number[]> {
  const latencies: number[] = [];
  const calls: Promise<void>[] = [];
  const count = Math.floor((durationMs / 1000) * REGISTER_PER_SECOND);
  const started = performance.now();
  for (let i = 0; i < count && !signal.aborted; i++) {
    const wait = started + (i * 1000) / REGISTER_PER_SECOND - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    calls.push(
      client
        .register({
          instance: {
            group: 'bench',
            host: `10.${phase}.${(i >> 8) & 255}.${i & 255}`,
            port: 8080,
            weight: 1,
            failTimeout: undefined,
            backup: false,
            adminState: 0,
            metadata: {},
          },
        })
        .then(() => void latencies.push(performance.now() - sent)),
    );
  }
  await Promise.all(calls);
  return latencies;
}

function flood(address: string, durationMs: number): Promise<Record<string, number>> {
  const worker = new Worker(new URL('./token-flood/suspect-flooder.js', import.meta.url), {
    workerData: { address, token: SDK_TOKEN, perSecond: FLOOD_PER_SECOND, durationMs },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (counts: Record<string, number>) => {
      resolve(counts);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function run(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const phaseMs = options.quick ? 3_000 : 12_000;
  const redis = await startRedisServer();
  const services: ServiceProcess[] = [];
  try {
    const tokensFile = join(tempDir('token-flood'), 'tokens');
    writeFileSync(tokensFile, `core:${CORE_TOKEN}\nsdk:${SDK_TOKEN}\n`, { mode: 0o600 });
    const env = { REDIS_URL: redis.url, GATEWAY_TOKENS_FILE: tokensFile, LOG_LEVEL: 'warn' };
    const registry = await startServiceProcess({
      name: 'registry',
      entry: serviceEntry('registry'),
      env,
    });
    services.push(registry);
    const health = await startServiceProcess({
      name: 'health',
      entry: serviceEntry('health'),
      env,
    });
    services.push(health);
    const channel = createChannel(registry.address);
    const client = createClient(RegistryServiceDefinition, channel, {
      '*': { metadata: Metadata({ authorization: `Bearer ${CORE_TOKEN}` }) },
    });
    try {
      await registerLatencies(client, 1, 1_000, options.signal); // warm-up
      options.log(`floor: ${REGISTER_PER_SECOND} Register/s for ${phaseMs} ms, no flood`);
      const floor = await registerLatencies(client, 2, phaseMs, options.signal);
      options.log(`flood: ${FLOOD_PER_SECOND} ReportSuspect/s from another token, same Registers`);
      const flooding = flood(health.address, phaseMs + 1_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const flooded = await registerLatencies(client, 3, phaseMs, options.signal);
      const counts = await flooding;
      const floorP99 = p99(floor);
      const floodedP99 = p99(flooded);
      const floodRate = (counts['sent'] ?? 0) / (counts['seconds'] ?? 1);
      return {
        figures: [
          { name: 'Register p99, no flood (floor)', value: floorP99, unit: 'ms' },
          { name: 'Register p99 during the flood', value: floodedP99, unit: 'ms' },
          { name: 'Register samples per phase', value: floor.length, unit: 'count' },
          { name: 'ReportSuspect sent per second', value: floodRate, unit: 'count' },
          { name: 'ReportSuspect answered OK', value: counts['OK'] ?? 0, unit: 'count' },
          {
            name: 'ReportSuspect answered RESOURCE_EXHAUSTED',
            value: counts['RESOURCE_EXHAUSTED'] ?? 0,
            unit: 'count',
          },
          {
            name: 'ReportSuspect not sent (2,000 in flight)',
            value: counts['skipped'] ?? 0,
            unit: 'count',
          },
        ],
        targets: [
          {
            name: 'Register p99 during the flood ÷ floor',
            value: floodedP99 / floorP99,
            comparison: '<=',
            bound: TARGET_RATIO,
            unit: 'ratio',
          },
          {
            name: 'ReportSuspect/s the flooder reached ÷ 2,000',
            value: floodRate / FLOOD_PER_SECOND,
            comparison: '>=',
            bound: 0.9,
            unit: 'ratio',
          },
        ],
        notes: [
          'registry, health, redis-server and the flooding client share this machine: the flood costs CPU to every process, which is what the ratio measures',
          `other outcomes of the flood: ${JSON.stringify(counts)}`,
        ],
      };
    } finally {
      channel.close();
    }
  } finally {
    for (const service of services.reverse()) await service.stop();
    await redis.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'token-flood',
  title: 'Register p99 of one token while another floods ReportSuspect at 2,000/s',
  run,
};
