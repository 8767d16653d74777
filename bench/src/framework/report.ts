import type { BenchmarkProfile } from './benchmark.js';
import { formatNumber, markdownTable } from './format.js';
import type { Machine } from './machine.js';
import type { RunRecord } from './run-record.js';

function machineSection(machine: Machine): string {
  const rows: Array<[string, string]> = [
    ['cores', String(machine.cores)],
    ['memory', `${machine.memoryGiB} GiB`],
    ['CPU', machine.cpuModel],
    ['load average when the last run began (1, 5, 15 min)', machine.loadAverage],
    ...Object.entries(machine.versions),
  ];
  return `## Machine\n\n${markdownTable(['', ''], rows)}`;
}

function profileSection(profile: BenchmarkProfile): string {
  const rows = profile.functions.map((fn) => [
    fn.name || '(anonymous)',
    fn.location,
    formatNumber(fn.selfMs),
    `${formatNumber(fn.selfPercent)} %`,
  ]);
  return [
    `#### Profile: ${profile.title} (${formatNumber(profile.totalMs)} ms sampled)`,
    '',
    markdownTable(['function', 'where', 'self ms', 'self'], rows),
  ].join('\n');
}

function benchmarkSection(record: RunRecord): string {
  const lines = [
    `## ${record.name}`,
    '',
    `${record.title}. ${record.quick ? 'Quick variant. ' : ''}Ran ${record.timestamp} for ${(record.durationMs / 1000).toFixed(1)} s (load average ${record.machine.loadAverage} when the run began).`,
    '',
  ];
  if (record.outcome === 'failed') {
    lines.push(`**FAILED**: ${record.error ?? 'unknown error'}`);
    return lines.join('\n');
  }
  lines.push(
    markdownTable(
      ['figure', 'value', 'unit'],
      record.figures.map((figure) => [figure.name, formatNumber(figure.value), figure.unit]),
    ),
    '',
    markdownTable(
      ['target', 'value', 'bound', 'verdict'],
      record.targets.map((target) => [
        target.name,
        `${formatNumber(target.value)} ${target.unit}`,
        `${target.comparison} ${formatNumber(target.bound)} ${target.unit}`,
        target.met ? 'met' : '**missed**',
      ]),
    ),
  );
  if (record.notes.length > 0) lines.push('', ...record.notes.map((note) => `- ${note}`));
  for (const profile of record.profiles) lines.push('', profileSection(profile));
  return lines.join('\n');
}

/** bench/REPORT.md: the machine, a verdict table, then each benchmark's figures, targets, notes, profiles. */
export function renderReport(records: readonly RunRecord[], machine: Machine): string {
  const overview = markdownTable(
    ['benchmark', 'outcome', 'targets met', 'missed'],
    records.map((record) => [
      record.name,
      record.outcome,
      record.outcome === 'ok'
        ? `${record.targets.filter((target) => target.met).length}/${record.targets.length}`
        : '-',
      record.targets
        .filter((target) => !target.met)
        .map((target) => target.name)
        .join('; ') || '-',
    ]),
  );
  return [
    '# Benchmark report',
    '',
    'Written by `npm run bench` (bench/src/main.ts); do not edit by hand. Every target is a ratio',
    'to a floor measured in the same run, or a count: see bench/README.md for what each measures.',
    '',
    machineSection(machine),
    '',
    '## Verdicts',
    '',
    overview,
    '',
    ...records.map((record) => benchmarkSection(record) + '\n'),
  ].join('\n');
}
