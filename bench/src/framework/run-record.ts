import { targetMet, type BenchmarkResult, type BenchmarkTarget } from './benchmark.js';
import type { Machine } from './machine.js';

/** One benchmark's outcome in a run: what bench/results/<name>.json holds. */
export type RunRecord = {
  readonly name: string;
  readonly title: string;
  readonly quick: boolean;
  /** When it started, ISO 8601. */
  readonly timestamp: string;
  readonly durationMs: number;
  readonly machine: Machine;
  /** 'ok' (measured; targets may still be missed) or 'failed' (it threw). */
  readonly outcome: 'ok' | 'failed';
  /** The error's message when it failed. */
  readonly error?: string;
  readonly figures: BenchmarkResult['figures'];
  readonly targets: ReadonlyArray<BenchmarkTarget & { readonly met: boolean }>;
  readonly notes: BenchmarkResult['notes'];
  readonly profiles: NonNullable<BenchmarkResult['profiles']>;
};

export function recordOf(
  base: Pick<RunRecord, 'name' | 'title' | 'quick' | 'timestamp' | 'durationMs' | 'machine'>,
  outcome: { result: BenchmarkResult } | { error: unknown },
): RunRecord {
  if ('error' in outcome) {
    const error = outcome.error;
    return {
      ...base,
      outcome: 'failed',
      error: error instanceof Error ? error.message : String(error),
      figures: [],
      targets: [],
      notes: [],
      profiles: [],
    };
  }
  const { result } = outcome;
  return {
    ...base,
    outcome: 'ok',
    figures: result.figures,
    targets: result.targets.map((target) => ({ ...target, met: targetMet(target) })),
    notes: result.notes,
    profiles: result.profiles ?? [],
  };
}

/** A run fails (exit 1) only when a benchmark broke; a missed target is reported, not fatal. */
export function runFailed(records: readonly RunRecord[]): boolean {
  return records.some((record) => record.outcome === 'failed');
}
