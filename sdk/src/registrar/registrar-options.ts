import type { ClientTlsFiles } from '@gateway/shared/tls-client';

/** The instance a gateway-core process registers (see gateway.registry.v1.InstanceSpec). */
export type RegistrarInstance = {
  readonly group: string;
  readonly host: string;
  readonly port: number;
  /** 1-100; default 1. */
  readonly weight?: number;
  readonly maxFails?: number;
  readonly failTimeoutSeconds?: number;
  readonly backup?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
};

export type RegistrarOptions = {
  /** host:port of each registry replica; calls go to one and fail over to the next. */
  readonly registries: readonly string[];
  /** Bearer token of role `core`. */
  readonly token: string;
  /**
   * TLS to the registries: the CA file that signed their certificates and, when they
   * require client certificates (mTLS), this client's certificate and key files.
   * Absent: plaintext (loopback development only).
   */
  readonly tls?: ClientTlsFiles;
  readonly instance: RegistrarInstance;
  /** Lease asked for at Register (default 15 s). */
  readonly leaseSeconds?: number;
  /** Heartbeat period (default a third of the lease). */
  readonly heartbeatIntervalMs?: number;
  /** Deadline of one call (default 2,000 ms). */
  readonly callTimeoutMs?: number;
  /** Backoff after a failed Register: from this (default 200 ms)... */
  readonly retryMinMs?: number;
  /** ...doubling with jitter up to this (default 5,000 ms). */
  readonly retryMaxMs?: number;
  /** Told about what happens (for logs and metrics); must not throw (it is guarded anyway). */
  readonly onEvent?: (event: RegistrarEvent) => void;
};

export type RegistrarEvent =
  | {
      readonly type: 'registered';
      readonly instanceId: string;
      readonly registry: string;
      readonly revision: number;
    }
  | { readonly type: 'lost'; readonly instanceId: string; readonly reason: string }
  | {
      readonly type: 'call-failed';
      readonly call: 'register' | 'heartbeat' | 'deregister';
      readonly registry: string;
      readonly error: string;
      /**
       * RESOURCE_EXHAUSTED with a `retry-after-ms` hint (the token is over its rate): the
       * registrar waits at least this long (capped at 60 s) before its next call.
       */
      readonly retryAfterMs?: number;
    }
  | { readonly type: 'deregistered'; readonly instanceId: string };

export type RegistrarState = 'idle' | 'registering' | 'registered' | 'stopped';
