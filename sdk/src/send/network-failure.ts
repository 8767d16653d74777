import { FailureKind } from '@gateway/proto/health';

/** The network-level failures the send client counts (never an HTTP status: that is the backend's answer). */
export type NetworkFailureKind = 'refused' | 'timeout' | 'reset' | 'dns' | 'unreachable';

const BY_CODE: Readonly<Record<string, NetworkFailureKind>> = {
  ECONNREFUSED: 'refused',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
};

/**
 * The network-level failure behind an undici error, or undefined when the error is
 * not one (a caller's abort, a bad argument, a bug). Walks the `cause` chain, since
 * undici wraps the socket's error.
 */
export function networkFailureOf(error: unknown): NetworkFailureKind | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in BY_CODE) return BY_CODE[code];
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The protobuf enum value ReportSuspect carries for a failure kind. */
export function toProtoFailureKind(kind: NetworkFailureKind): FailureKind {
  switch (kind) {
    case 'refused':
      return FailureKind.FAILURE_KIND_CONNECTION_REFUSED;
    case 'timeout':
      return FailureKind.FAILURE_KIND_TIMEOUT;
    case 'reset':
      return FailureKind.FAILURE_KIND_CONNECTION_RESET;
    case 'dns':
      return FailureKind.FAILURE_KIND_DNS;
    case 'unreachable':
      return FailureKind.FAILURE_KIND_OTHER;
  }
}
