/** What a script may rely on: the process's exit status. */
export const ExitCode = {
  /** Done; for `diff`, the node runs the desired config. */
  OK: 0,
  /** The operation failed (unknown node or instance, a refused or failed push, a node out of date). */
  FAILED: 1,
  /** The command line is wrong (unknown flag, missing or invalid value). */
  USAGE: 2,
  /** A service could not be reached in time, or refused the token. */
  UNREACHABLE: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a given exit status and a message for the operator. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const usageError = (message: string) => new CliError(ExitCode.USAGE, message);
export const failure = (message: string) => new CliError(ExitCode.FAILED, message);
