import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import { isUndecodableRequest } from './undecodable-request.js';

/**
 * Answers a request whose bytes did not decode (the UndecodableRequest marker of a
 * guarded deserializer) with INVALID_ARGUMENT "request: not a valid <message> protobuf
 * message", naming the message type and nothing of the decoder's error. Placed after
 * auth and the per-token limits: an unauthenticated client learns nothing about the body,
 * and garbage costs a token's rate budget like any other call. For a client stream, the
 * first undecodable message ends the call the same way.
 */
export function requestDecodingMiddleware(
  requestTypes: ReadonlyMap<string, string>,
): ServerMiddleware {
  const refusal = (path: string) => {
    const type = requestTypes.get(path);
    return new ServerError(
      Status.INVALID_ARGUMENT,
      type === undefined
        ? `request: not a valid protobuf request message of ${path.slice(1)}`
        : `request: not a valid ${type} protobuf message`,
    );
  };
  return async function* refuseUndecodable(call, context) {
    const path = call.method.path;
    if (!call.method.requestStream) {
      if (isUndecodableRequest(call.request)) throw refusal(path);
      return yield* call.next(call.request, context);
    }
    const messages = call.request as AsyncIterable<unknown>;
    const checked = async function* () {
      for await (const message of messages) {
        if (isUndecodableRequest(message)) throw refusal(path);
        yield message;
      }
    };
    return yield* call.next(checked() as typeof call.request, context);
  };
}
