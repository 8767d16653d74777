import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { Logger } from 'pino';
import { isRedisUnavailable } from '../redis/redis-client.js';
import { FieldViolation } from '../validation/field-violation.js';

const CLIENT_ERRORS = new Set([
  Status.INVALID_ARGUMENT,
  Status.NOT_FOUND,
  Status.ALREADY_EXISTS,
  Status.UNAUTHENTICATED,
  Status.PERMISSION_DENIED,
  Status.FAILED_PRECONDITION,
  Status.RESOURCE_EXHAUSTED,
  Status.CANCELLED,
]);

/**
 * The outermost middleware: logs every call with its outcome and duration, and makes
 * sure a client only ever sees a status and a short message. Field violations become
 * INVALID_ARGUMENT, an unreachable Redis UNAVAILABLE, anything unexpected INTERNAL
 * (logged here with its stack, never sent).
 */
export function errorMiddleware(logger: Logger): ServerMiddleware {
  return async function* logAndMapErrors(call, context) {
    const started = performance.now();
    const method = call.method.path;
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const result = yield* call.next(call.request, context);
      logger.debug({ method, peer: context.peer, durationMs: elapsed() }, 'call ok');
      return result;
    } catch (error) {
      if (error instanceof ServerError) {
        // Refusals over a limit come in floods: the limits middleware logs them as counts.
        const level =
          error.code === Status.RESOURCE_EXHAUSTED
            ? 'debug'
            : CLIENT_ERRORS.has(error.code)
              ? 'info'
              : 'warn';
        logger[level](
          {
            method,
            peer: context.peer,
            code: Status[error.code],
            details: error.details,
            durationMs: elapsed(),
          },
          'call failed',
        );
        throw error;
      }
      if (error instanceof FieldViolation) {
        logger.info(
          {
            method,
            peer: context.peer,
            code: 'INVALID_ARGUMENT',
            details: error.message,
            durationMs: elapsed(),
          },
          'call failed',
        );
        throw new ServerError(Status.INVALID_ARGUMENT, error.message);
      }
      if (isAbortError(error)) {
        logger.debug({ method, peer: context.peer, durationMs: elapsed() }, 'call cancelled');
        throw error;
      }
      if (isRedisUnavailable(error)) {
        logger.warn(
          { method, err: error, durationMs: elapsed() },
          'call failed: redis unavailable',
        );
        throw new ServerError(Status.UNAVAILABLE, 'redis is unavailable, retry later');
      }
      logger.error(
        { method, peer: context.peer, err: error, durationMs: elapsed() },
        'call crashed',
      );
      throw new ServerError(Status.INTERNAL, 'internal error (details are in the server log)');
    }
  };
}
