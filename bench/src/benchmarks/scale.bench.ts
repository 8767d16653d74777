import type { Benchmark, BenchmarkFigure, BenchmarkTarget } from '../framework/benchmark.js';
import { median, round } from '../framework/stats.js';
import { Teardown } from '../framework/teardown.js';
import { benchRedis } from '../support/bench-redis.js';
import { writeInstancesDirect } from '../support/instances.js';
import { waitUntilQuiet } from '../support/process-memory.js';
import { listAllPages, renderOnce } from '../support/reads.js';
import {
  channelTo,
  configPushClient,
  configPushFiles,
  registryClient,
  startService,
} from '../support/services.js';
import { openWatcher } from '../support/watchers.js';

type Level = {
  size: number;
  renderMs: number;
  renderBytes: number;
  listMs: number;
  listPages: number;
  slowestPageMs: number;
  snapshotMs: number;
};

/** Each read's time at each size; a read that fails is counted, never retried. */
export const benchmark: Benchmark = {
  name: 'scale',
  title:
    'Scale: render, ListInstances (all pages) and the WatchInstances snapshot at 1k, 10k and 50k instances',
  async run({ quick, log, signal }) {
    const sizes = quick ? [500, 1_000, 2_000] : [1_000, 10_000, 50_000];
    const repeatsAt = (size: number) => (quick ? 2 : size > 10_000 ? 1 : 3);
    const teardown = Teardown();
    try {
      const redis = await benchRedis(teardown);
      const registry = teardown.add(await startService('registry', redis.url), (p) => p.stop());
      const configPush = teardown.add(
        await startService('config-push', redis.url, { env: configPushFiles() }),
        (p) => p.stop(),
      );
      const registryApi = registryClient(
        teardown.add(channelTo(registry.address), (c) => c.close()),
      );
      const configPushApi = configPushClient(
        teardown.add(channelTo(configPush.address), (c) => c.close()),
      );

      const failures: string[] = [];
      const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
        try {
          return await read();
        } catch (error) {
          failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
          log(`FAILED ${what}: ${String(error)}`);
          return undefined;
        }
      };

      const levels: Level[] = [];
      let written = 0;
      for (const size of sizes) {
        const t0 = performance.now();
        await writeInstancesDirect(redis.client, written, size, { signal });
        written = size;
        // config-push renders (and the registry publishes) after a burst of writes: measure after.
        const quietMs = await waitUntilQuiet([registry.process.pid, configPush.process.pid]);
        log(
          `${size} instances written in ${Math.round(performance.now() - t0 - quietMs)} ms, services quiet after ${Math.round(quietMs)} ms`,
        );
        if (levels.length === 0) {
          // Warm-up (JIT, connections), not measured.
          await renderOnce(configPushApi);
          await listAllPages(registryApi);
        }
        const renders: Array<{ ms: number; bytes: number }> = [];
        const lists: Array<Awaited<ReturnType<typeof listAllPages>>> = [];
        const snapshots: number[] = [];
        for (let repeat = 0; repeat < repeatsAt(size); repeat++) {
          signal.throwIfAborted();
          const render = await attempt(`RenderConfig at ${size}`, () => renderOnce(configPushApi));
          if (render) renders.push(render);
          const list = await attempt(`ListInstances at ${size}`, () => listAllPages(registryApi));
          if (list) {
            if (list.instances !== size)
              failures.push(`ListInstances at ${size} listed ${list.instances}`);
            lists.push(list);
          }
          const snapshot = await attempt(`WatchInstances snapshot at ${size}`, async () => {
            const watcher = openWatcher(registry.address);
            try {
              return await watcher.snapshot;
            } finally {
              watcher.close();
            }
          });
          if (snapshot) {
            if (snapshot.instances !== size)
              failures.push(`the snapshot at ${size} held ${snapshot.instances}`);
            snapshots.push(snapshot.ms);
          }
        }
        const level: Level = {
          size,
          renderMs: median(renders.map((r) => r.ms)),
          renderBytes: renders[0]?.bytes ?? Number.NaN,
          listMs: median(lists.map((l) => l.ms)),
          listPages: lists[0]?.pages ?? Number.NaN,
          slowestPageMs: Math.max(...lists.map((l) => l.slowestPageMs)),
          snapshotMs: median(snapshots),
        };
        levels.push(level);
        log(
          `${size}: render ${level.renderMs.toFixed(0)} ms (${level.renderBytes} B), list ${level.listMs.toFixed(0)} ms in ${level.listPages} pages, snapshot ${level.snapshotMs.toFixed(0)} ms`,
        );
      }

      const figures: BenchmarkFigure[] = levels.flatMap((level) => {
        const k = `${level.size / 1000}k`;
        return [
          { name: `render at ${k}`, value: round(level.renderMs), unit: 'ms' },
          { name: `rendered size at ${k}`, value: level.renderBytes, unit: 'bytes' },
          { name: `ListInstances, all pages, at ${k}`, value: round(level.listMs), unit: 'ms' },
          { name: `ListInstances pages at ${k}`, value: level.listPages, unit: 'count' },
          { name: `slowest page at ${k}`, value: round(level.slowestPageMs), unit: 'ms' },
          { name: `WatchInstances snapshot at ${k}`, value: round(level.snapshotMs), unit: 'ms' },
        ];
      });
      figures.unshift({
        name: `floor: render at ${sizes[0] / 1000}k`,
        value: round(levels[0].renderMs),
        unit: 'ms',
      });
      const targets: BenchmarkTarget[] = [];
      for (let i = 1; i < levels.length; i++) {
        const [from, to] = [levels[i - 1], levels[i]];
        const bound = round(1.2 * (to.size / from.size), 1);
        const span = `${to.size / 1000}k/${from.size / 1000}k`;
        for (const [what, key] of [
          ['render', 'renderMs'],
          ['ListInstances all pages', 'listMs'],
          ['snapshot', 'snapshotMs'],
        ] as const)
          targets.push({
            name: `${what} ${span}`,
            value: round(to[key] / from[key]),
            comparison: '<=',
            bound,
            unit: 'ratio',
          });
      }
      targets.push({
        name: 'reads that failed with default client limits',
        value: failures.length,
        comparison: '<=',
        bound: 0,
        unit: 'count',
      });
      return {
        figures,
        targets,
        notes: [
          "Setup writes the instances straight through the registry's own Lua script (register-instance), 500 calls pipelined at a time, with 4 metadata entries each over 50 groups: the stored entries, indexes, revisions and change messages are what Register writes, tens of times faster. Every read goes through the services: RenderConfig on config-push, ListInstances (page_size 1000) and WatchInstances (chunked snapshot, as the SDK asks) on the registry, over channels with gRPC client defaults (4 MiB receive limit).",
          `Each read ${quick ? 'twice' : '3 times (once at 50k)'} per size, the median kept, after the services went quiet (config-push renders after a burst of writes); a linear bound is 1.2 × the size ratio.`,
          ...(quick ? [`Quick variant: ${sizes.join(', ')} instances.`] : []),
          ...failures.map((failure) => `Failed read: ${failure}`),
        ],
      };
    } finally {
      await teardown.close();
    }
  },
};
