import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { Logger } from 'pino';
import { withCallNote } from './call-note.js';
import { isUndecodableRequest } from './undecodable-request.js';

/** What an audited RPC acts on, read from its raw request when the handler did not say. */
export type AuditTarget = (request: unknown) => string;

const MAX_TARGET_LENGTH = 256;

/**
 * The audit log: one line per call of an audited (mutating) RPC, whatever its outcome
 * (refused by auth or a limit, invalid, failed or done), on the `audit` logger: the
 * token's name and role (`-` when the call never showed a valid token), the peer, the
 * method, the target (what the handler noted after validation, else what the request
 * named) and the outcome (gRPC status name). Outermost middleware: it sees the status
 * the client sees.
 */
export function auditMiddleware(
  audit: Logger,
  audited: ReadonlyMap<string, AuditTarget>,
): ServerMiddleware {
  return async function* record(call, context) {
    const rawTarget = audited.get(call.method.path);
    if (!rawTarget) return yield* call.next(call.request, context);
    const noted = withCallNote(context);
    let code = 'OK';
    try {
      return yield* call.next(call.request, noted.context);
    } catch (error) {
      code =
        error instanceof ServerError
          ? Status[error.code]
          : isAbortError(error)
            ? 'CANCELLED'
            : 'UNKNOWN';
      throw error;
    } finally {
      let target = noted.note.target;
      if (target === undefined) {
        try {
          // An undecodable request names nothing (it is refused INVALID_ARGUMENT).
          target = isUndecodableRequest(call.request) ? '' : String(rawTarget(call.request));
        } catch {
          target = '';
        }
      }
      audit.info(
        {
          token: noted.note.identity?.name ?? '-',
          role: noted.note.identity?.role ?? '-',
          peer: context.peer,
          method: call.method.path.split('/')[2],
          target: target.slice(0, MAX_TARGET_LENGTH),
          outcome: code,
        },
        'audit',
      );
    }
  };
}
