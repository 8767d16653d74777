import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a run measured on, for the report and every results file. */
export type Machine = {
  readonly cores: number;
  readonly memoryGiB: number;
  readonly cpuModel: string;
  readonly loadAverage: string;
  /** Program → version line ('not found' when absent). */
  readonly versions: Readonly<Record<string, string>>;
};

const PROGRAMS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['redis-server', 'redis-server', ['--version']],
  ['nginx', 'nginx', ['-v']],
  ['keepalived', 'keepalived', ['--version']],
  ['OpenSSH', 'ssh', ['-V']],
];

/** The first line a program prints about its version (on stdout or, like nginx -v and ssh -V, stderr). */
function versionOf(binary: string, args: readonly string[]): string {
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 5_000 });
  if (result.error) return 'not found';
  return firstLine(result.stdout || result.stderr || '') || 'unknown';
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

export function describeMachine(): Machine {
  const versions: Record<string, string> = { Node: process.version };
  for (const [name, binary, args] of PROGRAMS) versions[name] = versionOf(binary, args);
  return {
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverage: loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
    versions,
  };
}
