import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';

/**
 * Caps the streams that need no token (grpc.health.v1 Watch, server reflection): anyone
 * who can connect may open them, so without a cap they hold memory and timers without
 * bound. Above `maxStreams` open at once, a new one is answered RESOURCE_EXHAUSTED.
 * Unary public calls (Health.Check) are not counted: they end at once.
 */
export function unauthenticatedStreamLimit(
  streamingPublicMethods: ReadonlySet<string>,
  maxStreams: number,
): ServerMiddleware & { open(): number } {
  let open = 0;
  async function* limit(
    call: Parameters<ServerMiddleware>[0],
    context: Parameters<ServerMiddleware>[1],
  ) {
    if (!streamingPublicMethods.has(call.method.path))
      return yield* call.next(call.request, context);
    if (open >= maxStreams)
      throw new ServerError(
        Status.RESOURCE_EXHAUSTED,
        `too many open unauthenticated streams (limit ${maxStreams}): retry later`,
      );
    open++;
    try {
      return yield* call.next(call.request, context);
    } finally {
      open--;
    }
  }
  return Object.assign(limit as ServerMiddleware, { open: () => open });
}
