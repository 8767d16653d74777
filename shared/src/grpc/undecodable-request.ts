import type { CompatServiceDefinition } from 'nice-grpc';

const UNDECODABLE = Symbol('gateway.undecodableRequest');

/**
 * What a method's request deserializer yields, instead of throwing, for bytes that are
 * not a message of its request type. grpc-js answers a throwing deserializer with
 * INTERNAL "Error deserializing request" before any middleware runs; this marker lets
 * the request-decoding middleware answer INVALID_ARGUMENT instead, after auth and the
 * limits, like any other invalid request (see requestDecodingMiddleware). It carries
 * nothing of the decoder's error: a client learns only that its bytes did not decode.
 */
export type UndecodableRequest = { readonly [UNDECODABLE]: true };

const MARKER: UndecodableRequest = Object.freeze({ [UNDECODABLE]: true as const });

export function isUndecodableRequest(value: unknown): value is UndecodableRequest {
  return typeof value === 'object' && value !== null && UNDECODABLE in value;
}

type Decode = (input: Uint8Array) => unknown;

const guarded =
  (decode: Decode): Decode =>
  (input) => {
    try {
      return decode(input);
    } catch {
      return MARKER;
    }
  };

type TsProtoMethod = { requestType: { decode: Decode } };
type GrpcJsMethod = { requestDeserialize: Decode };

/**
 * The same service definition (ts-proto or grpc-js form, as nice-grpc's server.add takes)
 * with every request deserializer guarded: a decode failure yields the UndecodableRequest
 * marker. Responses are untouched.
 */
export function guardRequestDecoding<Definition extends CompatServiceDefinition>(
  definition: Definition,
): Definition {
  if ('fullName' in definition && 'methods' in definition) {
    const methods: Record<string, unknown> = {};
    for (const [key, method] of Object.entries(
      definition.methods as Record<string, TsProtoMethod>,
    )) {
      const requestType = method.requestType;
      methods[key] = {
        ...method,
        requestType: { ...requestType, decode: guarded((input) => requestType.decode(input)) },
      };
    }
    return { ...definition, methods };
  }
  const methods: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition as Record<string, GrpcJsMethod>)) {
    methods[key] = { ...method, requestDeserialize: guarded(method.requestDeserialize) };
  }
  return methods as Definition;
}
