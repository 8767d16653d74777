import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { FailureCounter } from './failure-counter.js';
import { networkFailureOf, type NetworkFailureKind } from './network-failure.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { SendError } from './send-error.js';
import { SuspectReporter, type SuspectReporterOptions } from './suspect-reporter.js';

export type SendClientOptions = {
  /** The VIP, and only the VIP: `http://<vip>[:port][/prefix]`. The client knows no physical node. */
  readonly baseUrl: string;
  /** TCP connect timeout (default 1,000 ms). */
  readonly connectTimeoutMs?: number;
  /** Limit of one attempt, from sending to the last body byte (default 5,000 ms). */
  readonly requestTimeoutMs?: number;
  /** Keep-alive connections kept to the VIP (default 16). */
  readonly connections?: number;
  /** Idle keep-alive time (default 4,000 ms: below Nginx's keepalive_timeout so Nginx never closes first). */
  readonly keepAliveTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Consecutive network-level failures that trigger a suspect report (default 3). */
  readonly suspectThreshold?: number;
  /** Where to report suspects (the health service's replicas); no reporting when absent. */
  readonly suspect?: Omit<SuspectReporterOptions, 'target'>;
  /** Told about every failed attempt (for logs and metrics); must not throw. */
  readonly onAttemptFailure?: (failure: AttemptFailure) => void;
};

export type AttemptFailure = {
  readonly kind: NetworkFailureKind;
  readonly attempt: number;
  readonly consecutiveFailures: number;
  readonly error: unknown;
};

export type SendRequest = {
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Retry this request even if its method is not idempotent (the caller knows it is safe). */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
};

export type SendResponse = {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** Attempts it took, the first included. */
  readonly attempts: number;
  text(): string;
  json<T = unknown>(): T;
};

export type SendClientStats = {
  readonly consecutiveFailures: number;
  readonly networkFailures: number;
  readonly retries: number;
  readonly suspectReports: ReturnType<SuspectReporter['stats']> | undefined;
};

export type SendClient = {
  request(request: SendRequest): Promise<SendResponse>;
  get(path: string, options?: Omit<SendRequest, 'path' | 'method'>): Promise<SendResponse>;
  stats(): SendClientStats;
  /** Resolves when no suspect report is in flight. */
  reportsIdle(): Promise<void>;
  close(): Promise<void>;
};

/**
 * The client a business service uses to call the gateway through the VIP: pooled
 * keep-alive connections, connect and request timeouts, retries of idempotent
 * requests with capped jittered backoff that ride out a VIP takeover, and a count
 * of consecutive network-level failures that, at the threshold, reports a suspect
 * to the health service in the background.
 */
export function SendClient(options: SendClientOptions): SendClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new Error('SendClient: baseUrl must be http:// or https://');
  const prefix = base.pathname.replace(/\/+$/, '');
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const threshold = options.suspectThreshold ?? 3;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 16,
    connect: { timeout: options.connectTimeoutMs ?? 1_000 },
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    keepAliveMaxTimeout: options.keepAliveTimeoutMs ?? 4_000,
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
  });
  const counter = FailureCounter();
  const reporter = options.suspect
    ? SuspectReporter({ ...options.suspect, target: base.origin })
    : undefined;
  let networkFailures = 0;
  let retries = 0;

  const attemptOnce = async (request: SendRequest, method: string) => {
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const response = await pool.request({
        path: prefix + (request.path.startsWith('/') ? request.path : `/${request.path}`),
        method: method,
        headers: request.headers,
        body: request.body,
        signal,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return { statusCode: response.statusCode, headers: response.headers, body };
    } catch (error) {
      if (request.signal?.aborted) throw error; // the caller gave up: not the network's fault
      if (timeout.aborted)
        throw Object.assign(
          new Error(`no answer within ${requestTimeoutMs} ms`, { cause: error }),
          { code: 'ETIMEDOUT' },
        );
      throw error;
    }
  };

  const noteFailure = (kind: NetworkFailureKind, attempt: number, error: unknown) => {
    networkFailures++;
    const consecutive = counter.failure(kind);
    try {
      options.onAttemptFailure?.({ kind, attempt, consecutiveFailures: consecutive, error });
    } catch {
      // An observer's bug must not change the outcome.
    }
    if (reporter && consecutive >= threshold) reporter.report(kind, consecutive);
  };

  const request = async (req: SendRequest): Promise<SendResponse> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const retryable = req.idempotent ?? policy.idempotentMethods.has(method);
    const maxAttempts = retryable ? Math.max(1, policy.maxAttempts) : 1;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const delay = backoffDelayMs(policy, attempt);
      const mayRetry =
        retryable && attempt < maxAttempts && performance.now() - started + delay < policy.budgetMs;
      try {
        const answer = await attemptOnce(req, method);
        counter.success();
        if (!mayRetry || !policy.retryStatuses.has(answer.statusCode)) {
          return {
            ...answer,
            attempts: attempt,
            text: () => answer.body.toString('utf8'),
            json: <T>() => JSON.parse(answer.body.toString('utf8')) as T,
          };
        }
      } catch (error) {
        const kind = networkFailureOf(error);
        if (kind === undefined) throw error;
        noteFailure(kind, attempt, error);
        const stillMayRetry =
          retryable &&
          attempt < maxAttempts &&
          performance.now() - started + delay < policy.budgetMs;
        if (!stillMayRetry) {
          const message = `${method} ${base.origin}${prefix}${req.path} failed (${kind}) after ${attempt} attempt(s)`;
          throw new SendError(message, kind, attempt, { cause: error });
        }
      }
      retries++;
      await sleep(delay, undefined, req.signal ? { signal: req.signal } : undefined);
    }
  };

  return {
    request,
    get: (path, rest = {}) => request({ ...rest, path, method: 'GET' }),
    stats: () => ({
      consecutiveFailures: counter.consecutive,
      networkFailures,
      retries,
      suspectReports: reporter?.stats(),
    }),
    reportsIdle: async () => await reporter?.idle(),
    async close() {
      reporter?.close();
      await pool.close();
    },
  };
}
