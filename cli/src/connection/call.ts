import { ClientError, Status } from 'nice-grpc';
import { isAbortError } from 'abort-controller-x';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * Runs one unary call bounded by `timeoutMs` (the timer is held here, so it cannot be
 * collected before it fires) and turns what went wrong into an exit status:
 * UNAVAILABLE, DEADLINE_EXCEEDED, UNAUTHENTICATED, PERMISSION_DENIED and our own
 * timeout are 3; anything else the service answered is 1.
 */
export async function unary<T>(
  service: string,
  timeoutMs: number,
  call: (options: { signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await call({ signal: controller.signal });
  } catch (error) {
    throw asCliError(service, error, controller.signal.aborted ? timeoutMs : undefined);
  } finally {
    clearTimeout(timer);
  }
}

/** The exit status and message for a failed call to `service`. */
export function asCliError(service: string, error: unknown, timedOutAfterMs?: number): CliError {
  if (error instanceof CliError) return error;
  if (timedOutAfterMs !== undefined && isAbortError(error))
    return new CliError(
      ExitCode.UNREACHABLE,
      `${service}: no answer within ${timedOutAfterMs} ms`,
      { cause: error },
    );
  if (error instanceof ClientError) {
    const unreachable = [
      Status.UNAVAILABLE,
      Status.DEADLINE_EXCEEDED,
      Status.UNAUTHENTICATED,
      Status.PERMISSION_DENIED,
    ].includes(error.code);
    return new CliError(
      unreachable ? ExitCode.UNREACHABLE : ExitCode.FAILED,
      `${service}: ${Status[error.code]}: ${error.details}`,
      { cause: error },
    );
  }
  return new CliError(ExitCode.FAILED, `${service}: ${(error as Error).message ?? String(error)}`, {
    cause: error,
  });
}
