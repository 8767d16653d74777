#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * gatewayctl's entry: runs the command and sets the exit status scripts rely on
 * (0 ok, 1 failed, 2 usage, 3 unreachable or unauthenticated). Messages go to stderr,
 * never a stack trace.
 */
async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return (process.exitCode as number | undefined) ?? ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`gatewayctl: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`gatewayctl: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.FAILED;
  }
}

process.exitCode = await main(process.argv);
