import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@gateway/testkit';
import type { BenchmarkProfile } from '../framework/benchmark.js';
import { topFunctions, type CpuProfile } from '../framework/cpu-profile.js';

/** Node flags that make a service write a CPU profile into a fresh directory when it exits. */
export function cpuProfileFlags(): { nodeArgs: string[]; dir: string } {
  const dir = tempDir('bench-cpu-prof');
  return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], dir };
}

/** The top functions of the profile a service wrote into `dir` when it stopped (SIGTERM, drained). */
export function readCpuProfile(dir: string, title: string): BenchmarkProfile {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did the service exit cleanly?`);
  return topFunctions(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, title);
}
