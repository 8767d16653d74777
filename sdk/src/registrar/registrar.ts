import { delay } from 'abort-controller-x';
import { deadline } from '@gateway/shared/deadline';
import { ClientError, Status } from 'nice-grpc';
import { RetryHint } from '../retry/retry-hint.js';
import { RegistryEndpoints } from './registry-endpoints.js';
import type { RegistrarEvent, RegistrarOptions, RegistrarState } from './registrar-options.js';

/**
 * Keeps a gateway-core process registered: Register, then Heartbeat on a timer;
 * Register again when a heartbeat answers NOT_FOUND (lease expired, or Redis lost
 * its data); fail over between registry replicas; Deregister on stop. A call refused
 * RESOURCE_EXHAUSTED with a `retry-after-ms` hint (the token is over its rate) is not
 * tried again before the hint has passed (at most 60 s; stop() still ends the wait). It never
 * throws into the caller's event loop: failures are retried and reported through
 * `onEvent`.
 */
export type Registrar = {
  /** Starts the loop; resolves at once (use `registered()` to wait). */
  start(): void;
  /** Resolves once registered (again), or rejects when `signal` aborts first. */
  registered(signal?: AbortSignal): Promise<string>;
  /** Stops heartbeating and deregisters (bounded by the call timeout). */
  stop(): Promise<void>;
  readonly state: RegistrarState;
  /** The id the registry derived, once registered. */
  readonly instanceId: string | undefined;
};

const RETRYABLE_ELSEWHERE = new Set([
  Status.UNAVAILABLE,
  Status.DEADLINE_EXCEEDED,
  Status.INTERNAL,
  Status.UNKNOWN,
  Status.CANCELLED,
]);

export function Registrar(options: RegistrarOptions): Registrar {
  const leaseSeconds = options.leaseSeconds ?? 15;
  const heartbeatIntervalMs =
    options.heartbeatIntervalMs ?? Math.max(200, Math.floor((leaseSeconds * 1000) / 3));
  const callTimeoutMs = options.callTimeoutMs ?? 2_000;
  const retryMinMs = options.retryMinMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 5_000;
  const endpoints = RegistryEndpoints(options.registries, options.token, options.tls);
  const stopping = new AbortController();
  let state: RegistrarState = 'idle';
  let instanceId: string | undefined;
  let loop: Promise<void> | undefined;
  const waiters = new Set<() => void>();
  /** The wait the last refused call was told to keep (retry-after-ms), until the loop takes it. */
  let hintedWaitMs: number | undefined;
  const takeHint = () => {
    const hint = hintedWaitMs ?? 0;
    hintedWaitMs = undefined;
    return hint;
  };

  const tell = (event: RegistrarEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's bug must not stop the registrar.
    }
  };
  const callDeadline = () => deadline(stopping.signal, callTimeoutMs);
  const failed = (
    call: 'register' | 'heartbeat' | 'deregister',
    address: string,
    error: unknown,
    hint: RetryHint,
  ) => {
    const retryAfterMs = hint.hintMs(error);
    if (retryAfterMs !== undefined) hintedWaitMs = retryAfterMs;
    tell({
      type: 'call-failed',
      call,
      registry: address,
      error: error instanceof Error ? error.message : String(error),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    if (!(error instanceof ClientError) || RETRYABLE_ELSEWHERE.has(error.code)) endpoints.rotate();
  };

  const register = async (): Promise<boolean> => {
    const { address, client } = endpoints.current();
    const instance = options.instance;
    const limit = callDeadline();
    const hint = RetryHint();
    try {
      const response = await client.register(
        {
          instance: {
            group: instance.group,
            host: instance.host,
            port: instance.port,
            weight: instance.weight ?? 1,
            maxFails: instance.maxFails,
            failTimeout:
              instance.failTimeoutSeconds === undefined
                ? undefined
                : { seconds: instance.failTimeoutSeconds, nanos: 0 },
            backup: instance.backup ?? false,
            adminState: 0,
            metadata: { ...instance.metadata },
          },
          leaseDuration: { seconds: leaseSeconds, nanos: 0 },
        },
        { signal: limit.signal, onTrailer: hint.onTrailer },
      );
      instanceId = response.instance!.id;
      state = 'registered';
      tell({ type: 'registered', instanceId, registry: address, revision: response.revision });
      for (const wake of waiters) wake();
      return true;
    } catch (error) {
      if (!stopping.signal.aborted) failed('register', address, error, hint);
      return false;
    } finally {
      limit.clear();
    }
  };

  /** false when the registry no longer knows the instance. */
  const heartbeat = async (): Promise<boolean> => {
    const { address, client } = endpoints.current();
    const limit = callDeadline();
    const hint = RetryHint();
    try {
      await client.heartbeat(
        { instanceId: instanceId! },
        { signal: limit.signal, onTrailer: hint.onTrailer },
      );
      return true;
    } catch (error) {
      if (error instanceof ClientError && error.code === Status.NOT_FOUND) {
        tell({ type: 'lost', instanceId: instanceId!, reason: error.details });
        return false;
      }
      if (!stopping.signal.aborted) failed('heartbeat', address, error, hint);
      return true;
    } finally {
      limit.clear();
    }
  };

  const run = async () => {
    let backoff = retryMinMs;
    while (!stopping.signal.aborted) {
      if (state !== 'registered') {
        state = 'registering';
        if (await register()) {
          backoff = retryMinMs;
        } else {
          const jittered = backoff / 2 + Math.random() * (backoff / 2);
          backoff = Math.min(backoff * 2, retryMaxMs);
          await delay(stopping.signal, Math.max(jittered, takeHint())).catch(() => undefined);
          continue;
        }
      }
      await delay(stopping.signal, Math.max(heartbeatIntervalMs, takeHint())).catch(
        () => undefined,
      );
      if (stopping.signal.aborted) break;
      if (!(await heartbeat())) state = 'registering';
    }
  };

  return {
    get state() {
      return state;
    },
    get instanceId() {
      return instanceId;
    },
    start() {
      if (loop || stopping.signal.aborted) return;
      loop = run().catch((error: unknown) =>
        tell({ type: 'call-failed', call: 'register', registry: '', error: String(error) }),
      );
    },
    registered(signal) {
      if (state === 'registered') return Promise.resolve(instanceId!);
      return new Promise((resolve, reject) => {
        const wake = () => {
          waiters.delete(wake);
          signal?.removeEventListener('abort', onAbort);
          resolve(instanceId!);
        };
        const onAbort = () => {
          waiters.delete(wake);
          reject(signal!.reason);
        };
        waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async stop() {
      if (state === 'stopped') return;
      const wasRegistered = state === 'registered' && instanceId !== undefined;
      stopping.abort();
      await loop;
      state = 'stopped';
      if (wasRegistered) {
        for (let attempt = 0; attempt < options.registries.length; attempt++) {
          const { address, client } = endpoints.current();
          const limit = deadline(undefined, callTimeoutMs);
          const hint = RetryHint();
          try {
            await client.deregister(
              { instanceId: instanceId! },
              { signal: limit.signal, onTrailer: hint.onTrailer },
            );
            tell({ type: 'deregistered', instanceId: instanceId! });
            break;
          } catch (error) {
            if (error instanceof ClientError && error.code === Status.NOT_FOUND) break;
            failed('deregister', address, error, hint);
            // Over its rate: no retry against the hint; the lease expires on its own.
            if (hint.hintMs(error) !== undefined) break;
          } finally {
            limit.clear();
          }
        }
      }
      endpoints.close();
    },
  };
}
