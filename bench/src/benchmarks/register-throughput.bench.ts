import { fileURLToPath } from 'node:url';
import type { Channel } from 'nice-grpc';
import { startServiceProcess, type ServiceProcess } from '@gateway/testkit';
import type { Benchmark, BenchmarkFigure, BenchmarkProfile } from '../framework/benchmark.js';
import { closedLoop, type LoadFigures } from '../framework/load.js';
import { quantile, round } from '../framework/stats.js';
import { Teardown } from '../framework/teardown.js';
import { benchRedis } from '../support/bench-redis.js';
import { cpuProfileFlags, readCpuProfile } from '../support/profiled.js';
import { channelTo, registryClient, startService } from '../support/services.js';

const CALLERS = [1, 16, 64, 256] as const;
const TARGET_CALLERS = 64;
const TARGET_RATIO = 0.6;
const FLOOR_ENTRY = fileURLToPath(new URL('../floor/bare-register-server.js', import.meta.url));

/** Register requests for fresh instances: `run` makes each call a new registration. */
function registerRequest(run: string, i: number) {
  return {
    instance: {
      group: `bench-${run}`,
      host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      port: 8080,
      weight: 1,
      backup: false,
      failTimeout: undefined,
      adminState: 0,
      metadata: { zone: 'a', version: '1.0.0' },
    },
  };
}

type Level = { callers: number; registry: LoadFigures; floor: LoadFigures };

async function driveRegister(
  channel: Channel,
  run: string,
  callers: number,
  durationMs: number,
  signal: AbortSignal,
): Promise<LoadFigures> {
  const client = registryClient(channel, 'core');
  return closedLoop(callers, durationMs, (i) => client.register(registerRequest(run, i)), signal);
}

/** Register through one registry replica against a bare nice-grpc + one-HSET server, at 1–256 callers. */
export const benchmark: Benchmark = {
  name: 'register-throughput',
  title: 'Register throughput and latency of one registry replica at 1, 16, 64 and 256 callers',
  async run({ quick, log, signal }) {
    const teardown = Teardown();
    try {
      const durationMs = quick ? 400 : 3_000;
      const redis = await benchRedis(teardown);
      const registry = teardown.add(await startService('registry', redis.url), (p) => p.stop());
      const floor = teardown.add(
        await startServiceProcess({
          name: 'floor',
          entry: FLOOR_ENTRY,
          env: { REDIS_URL: redis.url },
        }),
        (p) => p.stop(),
      );
      const registryChannel = teardown.add(channelTo(registry.address), (c) => c.close());
      const floorChannel = teardown.add(channelTo(floor.address), (c) => c.close());

      log('warming up both servers');
      await driveRegister(registryChannel, 'warm', 16, quick ? 200 : 1_000, signal);
      await driveRegister(floorChannel, 'warm', 16, quick ? 200 : 1_000, signal);

      const levels: Level[] = [];
      for (const callers of CALLERS) {
        // Floor and registry alternate at each level, so a burst of load elsewhere on the
        // machine hits both alike.
        const registryLoad = await driveRegister(
          registryChannel,
          `r${callers}`,
          callers,
          durationMs,
          signal,
        );
        const floorLoad = await driveRegister(
          floorChannel,
          `f${callers}`,
          callers,
          durationMs,
          signal,
        );
        levels.push({ callers, registry: registryLoad, floor: floorLoad });
        log(
          `${callers} callers: registry ${Math.round(registryLoad.perSecond)}/s, floor ${Math.round(floorLoad.perSecond)}/s`,
        );
      }

      const figures: BenchmarkFigure[] = levels.flatMap((level) => [
        {
          name: `registry Register/s at ${level.callers}`,
          value: round(level.registry.perSecond, 0),
          unit: '/s',
        },
        {
          name: `registry p50 at ${level.callers}`,
          value: round(quantile(level.registry.latencies, 0.5)),
          unit: 'ms',
        },
        {
          name: `registry p99 at ${level.callers}`,
          value: round(quantile(level.registry.latencies, 0.99)),
          unit: 'ms',
        },
        {
          name: `floor calls/s at ${level.callers}`,
          value: round(level.floor.perSecond, 0),
          unit: '/s',
        },
        {
          name: `floor p50 at ${level.callers}`,
          value: round(quantile(level.floor.latencies, 0.5)),
          unit: 'ms',
        },
        {
          name: `floor p99 at ${level.callers}`,
          value: round(quantile(level.floor.latencies, 0.99)),
          unit: 'ms',
        },
      ]);
      const at = levels.find((level) => level.callers === TARGET_CALLERS)!;
      const ratio = at.registry.perSecond / at.floor.perSecond;
      const notes = [
        `${durationMs} ms of closed-loop calls per level and server, every call a new instance; ` +
          'client, registry and floor are three processes on the same machine, so the client ' +
          'competes for the same 2 cores.',
      ];
      const profiles: BenchmarkProfile[] = [];
      if (ratio < TARGET_RATIO) {
        log(
          `ratio ${ratio.toFixed(2)} < ${TARGET_RATIO}: profiling the registry at ${TARGET_CALLERS} callers`,
        );
        profiles.push(await profileRegistry(redis.url, 2 * durationMs, signal));
        notes.push(
          'The target was missed: the profile below is of the registry under the same load.',
        );
      }
      return {
        figures,
        targets: [
          {
            name: `Register/s at ${TARGET_CALLERS} callers ÷ floor's`,
            value: round(ratio, 3),
            comparison: '>=',
            bound: TARGET_RATIO,
            unit: 'ratio',
          },
        ],
        notes,
        profiles,
      };
    } finally {
      await teardown.close();
    }
  },
};

/** A second registry, run with --cpu-prof under 64 callers; its top functions. */
async function profileRegistry(
  redisUrl: string,
  durationMs: number,
  signal: AbortSignal,
): Promise<BenchmarkProfile> {
  const { nodeArgs, dir } = cpuProfileFlags();
  let registry: ServiceProcess | undefined;
  let channel: Channel | undefined;
  try {
    registry = await startService('registry', redisUrl, { name: 'registry-profiled', nodeArgs });
    channel = channelTo(registry.address);
    // The profile spans the process's life: the load runs long enough to outweigh its start.
    await driveRegister(channel, 'prof', TARGET_CALLERS, durationMs, signal);
  } finally {
    channel?.close();
    await registry?.stop(15_000);
  }
  return readCpuProfile(
    dir,
    `registry, ${TARGET_CALLERS} callers of Register for ${durationMs} ms`,
  );
}
