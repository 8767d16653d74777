import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from './run-record.js';

/** Writes `<dir>/<name>.json`. */
export function writeRecord(dir: string, record: RunRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${record.name}.json`), JSON.stringify(record, null, 2) + '\n');
}

function isRecord(value: unknown): value is RunRecord {
  const candidate = value as Partial<RunRecord> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    (candidate.outcome === 'ok' || candidate.outcome === 'failed') &&
    Array.isArray(candidate.figures) &&
    Array.isArray(candidate.targets)
  );
}

/**
 * Every record in `dir` (the latest run of each benchmark), for a report that covers all
 * benchmarks even when this run selected some; files that are not records are skipped.
 */
export function readRecords(dir: string): RunRecord[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const file of files.sort()) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      if (isRecord(parsed))
        records.push({ ...parsed, notes: parsed.notes ?? [], profiles: parsed.profiles ?? [] });
    } catch {
      // not a record of this runner: leave it out of the report
    }
  }
  return records;
}
