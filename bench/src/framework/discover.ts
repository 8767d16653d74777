import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArgsError } from './args.js';
import type { Benchmark } from './benchmark.js';

const SUFFIX = '.bench.js';

/** The compiled benchmark files in `dir`, by name (file name without `.bench.js`), sorted. */
export function benchmarkFiles(dir: string): Array<{ name: string; path: string }> {
  return readdirSync(dir)
    .filter((file) => file.endsWith(SUFFIX))
    .sort()
    .map((file) => ({ name: file.slice(0, -SUFFIX.length), path: join(dir, file) }));
}

function isBenchmark(value: unknown): value is Benchmark {
  const candidate = value as Partial<Benchmark> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.run === 'function'
  );
}

/** Imports each file and returns its `benchmark` export; a file without one is an error. */
export async function loadBenchmarks(dir: string): Promise<Benchmark[]> {
  const benchmarks: Benchmark[] = [];
  for (const file of benchmarkFiles(dir)) {
    const module = (await import(pathToFileURL(file.path).href)) as { benchmark?: unknown };
    if (!isBenchmark(module.benchmark))
      throw new Error(`${file.path} does not export a \`benchmark\` (see framework/benchmark.ts)`);
    if (module.benchmark.name !== file.name)
      throw new Error(
        `${file.path} exports the benchmark ${JSON.stringify(module.benchmark.name)}: name it after its file`,
      );
    benchmarks.push(module.benchmark);
  }
  return benchmarks;
}

/** The benchmarks `names` selects (all when empty), in their order; an unknown name is an error. */
export function selectBenchmarks(all: readonly Benchmark[], names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...all];
  const unknown = names.filter((name) => !all.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0)
    throw new ArgsError(
      `no benchmark named ${unknown.join(', ')}; there are: ${all.map((b) => b.name).join(', ')}`,
    );
  return all.filter((benchmark) => names.includes(benchmark.name));
}
