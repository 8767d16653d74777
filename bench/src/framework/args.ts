/** What `npm run bench -- [--quick] [name…]` asked for. */
export type BenchArgs = {
  readonly quick: boolean;
  /** Benchmarks to run, by name; empty means all. */
  readonly names: readonly string[];
  readonly help: boolean;
};

export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

/** Parses the runner's arguments (after `--`); an unknown option is an ArgsError. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let help = false;
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('-')) throw new ArgsError(`unknown option ${arg} (try --help)`);
    else if (!/^[a-z0-9-]+$/.test(arg))
      throw new ArgsError(`${JSON.stringify(arg)} is not a benchmark name (kebab-case)`);
    else if (!names.includes(arg)) names.push(arg);
  }
  return { quick, names, help };
}

export const USAGE = `usage: npm run bench -- [--quick] [name…]
  name     run only these benchmarks (default: all of bench/dist/src/benchmarks/*.bench.js)
  --quick  the short variant (smaller counts, same code paths), as CI runs it`;
