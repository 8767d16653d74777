/** What a log line shows of an error: its kind and message, never a stack trace. */
export type LoggedError = {
  type: string;
  message: string;
  code?: string | number;
  cause?: LoggedError;
};

const MAX_CAUSES = 5;

/**
 * Serializes the `err` of a log call without its stack: logs go to shared collectors and
 * a stack names files, versions and paths an attacker may use (docs/security.md). The
 * message, the error's class, its `code` (errno, gRPC status) and up to five causes say
 * what happened and where; the context fields of the log call say on what.
 */
export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  const logged: LoggedError = {
    type: error.constructor.name || error.name,
    message: error.message,
  };
  if (typeof code === 'string' || typeof code === 'number') logged.code = code;
  if (error.cause !== undefined && depth < MAX_CAUSES)
    logged.cause = serializeError(error.cause, depth + 1);
  return logged;
}
