/** The p-th percentile (0–100) of `values` by nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** p50 and p95 of a series of milliseconds, rounded to 0.1 ms. */
export function latencySummary(values: readonly number[]): { p50: number; p95: number } {
  const round = (value: number) => Math.round(value * 10) / 10;
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)) };
}
