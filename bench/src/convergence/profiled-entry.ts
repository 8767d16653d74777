/**
 * Runs a service entry (BENCH_PROFILED_ENTRY) under the CPU profiler and writes
 * `<BENCH_PROFILE_DIR>/<name>-<pid>.cpuprofile` when the process exits (open it in Chrome
 * DevTools or speedscope for a flame graph). `node --cpu-prof` cannot be passed through
 * NODE_OPTIONS, so the benchmarks start services through this file when profiling.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.env['BENCH_PROFILED_ENTRY'];
const dir = process.env['BENCH_PROFILE_DIR'];
if (!entry || !dir) throw new Error('BENCH_PROFILED_ENTRY and BENCH_PROFILE_DIR are required');
const name = process.env['BENCH_PROFILED_NAME'] ?? 'service';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // A session of this thread answers synchronously: the profile is written before exit.
  session.post('Profiler.stop', (error, result) => {
    if (!error)
      writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
await import(pathToFileURL(entry).href);
