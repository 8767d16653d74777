import { formatNumber, textTable } from './format.js';
import type { RunRecord } from './run-record.js';

/** What the runner prints after each benchmark: its figures, then its targets met or missed. */
export function benchmarkSummary(record: RunRecord): string {
  const head = `== ${record.name}: ${record.title}${record.quick ? ' (quick)' : ''} — ${(record.durationMs / 1000).toFixed(1)} s`;
  if (record.outcome === 'failed') return `${head}\nFAILED: ${record.error ?? 'unknown error'}`;
  const figures = textTable(
    ['figure', 'value', 'unit'],
    record.figures.map((figure) => [figure.name, formatNumber(figure.value), figure.unit]),
  );
  const targets = textTable(
    ['target', 'value', 'bound', 'verdict'],
    record.targets.map((target) => [
      target.name,
      `${formatNumber(target.value)} ${target.unit}`,
      `${target.comparison} ${formatNumber(target.bound)} ${target.unit}`,
      target.met ? 'met' : 'MISSED',
    ]),
  );
  return [head, figures, '', targets, ...record.notes.map((note) => `note: ${note}`)].join('\n');
}

/** The last lines of a run: one line per benchmark. */
export function runSummary(records: readonly RunRecord[]): string {
  return textTable(
    ['benchmark', 'outcome', 'targets met', 'seconds'],
    records.map((record) => [
      record.name,
      record.outcome,
      record.outcome === 'ok'
        ? `${record.targets.filter((target) => target.met).length}/${record.targets.length}`
        : '-',
      (record.durationMs / 1000).toFixed(1),
    ]),
  );
}
