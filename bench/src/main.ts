/**
 * `npm run bench -- [--quick] [name…]`: runs the benchmarks in bench/dist/src/benchmarks
 * one after the other, prints each one's table, writes bench/results/<name>.json and
 * bench/REPORT.md. Exit 1 when a benchmark broke (threw), 0 otherwise: a missed target
 * is a finding for the report, not a failed run. SIGINT/SIGTERM stop the run and every
 * process it started.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgsError, parseArgs, USAGE } from './framework/args.js';
import { loadBenchmarks, selectBenchmarks } from './framework/discover.js';
import { describeMachine } from './framework/machine.js';
import { renderReport } from './framework/report.js';
import { readRecords, writeRecord } from './framework/results-store.js';
import { runBenchmarks } from './framework/run-benchmarks.js';
import { runFailed } from './framework/run-record.js';
import { benchmarkSummary, runSummary } from './framework/summary.js';

const BENCHMARKS_DIR = fileURLToPath(new URL('./benchmarks/', import.meta.url));
/** bench/ (this file runs from bench/dist/src/main.js). */
const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = `${BENCH_DIR}results`;
const REPORT_PATH = `${BENCH_DIR}REPORT.md`;
/** How long a benchmark may take to stop what it started after SIGINT before the runner exits anyway. */
const ABORT_GRACE_MS = 15_000;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const available = await loadBenchmarks(BENCHMARKS_DIR);
  const selected = selectBenchmarks(available, args.names);
  const machine = describeMachine();

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`\n${signal}: stopping the benchmark and everything it started…`);
    controller.abort(new Error(`interrupted by ${signal}`));
    // The test kit's exit hook kills whatever is still running when the grace runs out.
    setTimeout(() => process.exit(130), ABORT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const runStart = performance.now();
  const records = await runBenchmarks(selected, {
    quick: args.quick,
    machine,
    signal: controller.signal,
    print: (line) => console.log(line),
    onRecord: (record) => {
      console.log(`\n${benchmarkSummary(record)}\n`);
      // An interrupted benchmark measured nothing worth keeping: its last results stay.
      if (!controller.signal.aborted) writeRecord(RESULTS_DIR, record);
    },
  });
  // The report covers every benchmark's latest results file, not only the ones run now.
  const order = new Map(available.map((benchmark, index) => [benchmark.name, index]));
  const all = readRecords(RESULTS_DIR).sort(
    (a, b) =>
      (order.get(a.name) ?? 1e9) - (order.get(b.name) ?? 1e9) || a.name.localeCompare(b.name),
  );
  if (!controller.signal.aborted) writeFileSync(REPORT_PATH, renderReport(all, machine));
  console.log(runSummary(records));
  const seconds = ((performance.now() - runStart) / 1000).toFixed(1);
  console.log(
    controller.signal.aborted
      ? `\ninterrupted after ${seconds} s: results and report left as they were`
      : `\n${records.length} benchmark(s) in ${seconds} s; results in ${RESULTS_DIR}, report ${REPORT_PATH}`,
  );
  if (controller.signal.aborted) return 130;
  return runFailed(records) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ArgsError ? `${error.message}\n${USAGE}` : error);
    process.exit(error instanceof ArgsError ? 2 : 1);
  },
);
