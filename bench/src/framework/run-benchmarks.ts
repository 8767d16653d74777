import type { Benchmark } from './benchmark.js';
import type { Machine } from './machine.js';
import { recordOf, type RunRecord } from './run-record.js';

/**
 * Runs `benchmarks` one after the other (they share a 2-core machine: never in parallel),
 * turning each into a record; a benchmark that throws becomes a failed record and the run
 * goes on with the next, unless `signal` aborted (SIGINT), which stops the run.
 */
export async function runBenchmarks(
  benchmarks: readonly Benchmark[],
  options: {
    quick: boolean;
    machine: Machine;
    signal: AbortSignal;
    print: (line: string) => void;
    onRecord: (record: RunRecord) => void;
  },
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const benchmark of benchmarks) {
    if (options.signal.aborted) break;
    const timestamp = new Date().toISOString();
    const start = performance.now();
    const log = (line: string) =>
      options.print(
        `[${benchmark.name} +${((performance.now() - start) / 1000).toFixed(1)}s] ${line}`,
      );
    log(`${benchmark.title}${options.quick ? ' (quick)' : ''}`);
    let outcome: Parameters<typeof recordOf>[1];
    try {
      outcome = {
        result: await benchmark.run({ quick: options.quick, log, signal: options.signal }),
      };
    } catch (error) {
      outcome = { error };
    }
    const record = recordOf(
      {
        name: benchmark.name,
        title: benchmark.title,
        quick: options.quick,
        timestamp,
        durationMs: Math.round(performance.now() - start),
        machine: options.machine,
      },
      outcome,
    );
    records.push(record);
    options.onRecord(record);
  }
  return records;
}
