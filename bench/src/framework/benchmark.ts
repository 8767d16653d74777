/**
 * The contract every benchmark in `bench/src/benchmarks/*.bench.ts` fulfils: it measures
 * its own floor in the same run and states each target as a ratio to that floor (or as a
 * count), never as a bare time. The runner finds each file's `benchmark` export, runs it,
 * prints the table, writes `bench/results/<name>.json` and `bench/REPORT.md`.
 *
 * A benchmark throws only when it breaks (a call fails, a node never converges); a slow
 * figure is a missed target, reported as such, not an error.
 */
export type BenchmarkOptions = {
  /** The short variant CI runs so the code cannot rot: smaller counts, same code paths. */
  readonly quick: boolean;
  /** Progress lines for the operator (the runner prefixes the benchmark's name). */
  readonly log: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: stop measuring and clean up. */
  readonly signal: AbortSignal;
};

/** One target: `value comparison bound`, e.g. ratio 0.82 >= 0.6. */
export type BenchmarkTarget = {
  /** What is compared, in words: "Register/s at 64 callers ÷ floor's". */
  readonly name: string;
  readonly value: number;
  readonly comparison: '<=' | '>=';
  readonly bound: number;
  /** Unit of value and bound: 'ratio', 'count', 'ms', 'MB'. */
  readonly unit: string;
};

/** One measured figure (a floor, a throughput, a latency, a size). */
export type BenchmarkFigure = {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
};

/** The hottest functions of a CPU profile (`node --cpu-prof`) taken while a target was missed. */
export type BenchmarkProfile = {
  /** What was profiled, under which load: "registry, 64 callers of Register for 3 s". */
  readonly title: string;
  /** Sampled time in the profile, ms. */
  readonly totalMs: number;
  /** Self time per function, highest first. */
  readonly functions: ReadonlyArray<{
    readonly name: string;
    /** file:line, shortened to the repository or node_modules. */
    readonly location: string;
    readonly selfMs: number;
    readonly selfPercent: number;
  }>;
};

export type BenchmarkResult = {
  readonly figures: readonly BenchmarkFigure[];
  readonly targets: readonly BenchmarkTarget[];
  /** What limits a missed target, what was profiled, caveats of this machine. */
  readonly notes: readonly string[];
  /** CPU profiles taken where a target was missed (optional). */
  readonly profiles?: readonly BenchmarkProfile[];
};

export type Benchmark = {
  /** File and results name: `register-throughput` → bench/results/register-throughput.json. */
  readonly name: string;
  /** One line for the table and the report. */
  readonly title: string;
  run(options: BenchmarkOptions): Promise<BenchmarkResult>;
};

export function targetMet(target: BenchmarkTarget): boolean {
  return target.comparison === '<=' ? target.value <= target.bound : target.value >= target.bound;
}
