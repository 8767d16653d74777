import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { Role } from '../auth/roles.js';
import type { TokenTable } from '../auth/token-table.js';

/**
 * Checks `authorization: Bearer <token>` against the token table and the method's
 * roles. Methods of `publicServices` (health, reflection) need no token; a method
 * with no rule is refused. With `tokens` undefined (auth explicitly disabled) every
 * ruled method is open.
 */
export function authMiddleware(
  tokens: TokenTable | undefined,
  methodRoles: ReadonlyMap<string, readonly Role[]>,
  publicServices: readonly string[],
): ServerMiddleware {
  return async function* authorize(call, context) {
    const path = call.method.path;
    const service = path.split('/')[1] ?? '';
    if (!publicServices.includes(service)) {
      const roles = methodRoles.get(path);
      if (!roles)
        throw new ServerError(Status.PERMISSION_DENIED, `${path} is not open to any role`);
      if (tokens) {
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
        const role = tokens.roleOf(match[1]);
        if (!role) throw new ServerError(Status.UNAUTHENTICATED, 'unknown bearer token');
        if (role !== 'admin' && !roles.includes(role)) {
          throw new ServerError(
            Status.PERMISSION_DENIED,
            `role "${role}" may not call ${call.method.path.split('/')[2]}`,
          );
        }
      }
    }
    return yield* call.next(call.request, context);
  };
}
