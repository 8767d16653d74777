import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { Role } from '../auth/roles.js';
import { ANONYMOUS_ADMIN } from '../auth/token-identity.js';
import type { TokenTable } from '../auth/token-table.js';
import { withCallNote } from './call-note.js';

/**
 * Checks `authorization: Bearer <token>` against the token table and the method's
 * roles, and puts the caller's identity (name, role, groups, quota) in the call note
 * for the handlers (see callerIdentity). Methods of `publicServices` (health,
 * reflection) need no token; a method with no rule is refused. With `tokens` undefined
 * (auth explicitly disabled) every ruled method is open, to the anonymous admin.
 */
export function authMiddleware(
  tokens: TokenTable | undefined,
  methodRoles: ReadonlyMap<string, readonly Role[]>,
  publicServices: readonly string[],
): ServerMiddleware {
  return async function* authorize(call, context) {
    const path = call.method.path;
    const service = path.split('/')[1] ?? '';
    if (publicServices.includes(service)) return yield* call.next(call.request, context);
    const roles = methodRoles.get(path);
    if (!roles) throw new ServerError(Status.PERMISSION_DENIED, `${path} is not open to any role`);
    const noted = withCallNote(context);
    if (!tokens) {
      noted.note.identity = ANONYMOUS_ADMIN;
      return yield* call.next(call.request, noted.context);
    }
    const header = context.metadata.get('authorization');
    if (typeof header !== 'string' || header === '') {
      throw new ServerError(
        Status.UNAUTHENTICATED,
        'missing "authorization: Bearer <token>" metadata',
      );
    }
    const match = /^Bearer +(\S+)$/i.exec(header);
    if (!match)
      throw new ServerError(
        Status.UNAUTHENTICATED,
        'authorization metadata must be "Bearer <token>"',
      );
    const identity = tokens.identify(match[1]);
    if (!identity) throw new ServerError(Status.UNAUTHENTICATED, 'unknown bearer token');
    noted.note.identity = identity;
    if (identity.role !== 'admin' && !roles.includes(identity.role)) {
      throw new ServerError(
        Status.PERMISSION_DENIED,
        `token "${identity.name}" (role ${identity.role}) may not call ${path.split('/')[2]}`,
      );
    }
    return yield* call.next(call.request, noted.context);
  };
}
