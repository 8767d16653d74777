import { Agent, errors, request } from 'undici';
import { parseVrrpReport, type VrrpReport } from './vrrp-report.js';

/** What one GET of a node's health URL showed. */
export type ProbeOutcome = {
  readonly healthy: boolean;
  readonly latencyMs: number;
  /** "HTTP 200", or why it failed ("connection refused", "no answer within 3000 ms", ...). */
  readonly detail: string;
  /** The VRRP state the node's /healthz body reported (healthy answers only). */
  readonly vrrp?: VrrpReport;
};

export type HttpProber = {
  /** Never throws: a failure is an unhealthy outcome. Aborting `signal` ends it at once. */
  probe(url: string, signal: AbortSignal): Promise<ProbeOutcome>;
  close(): Promise<void>;
};

const BODY_LIMIT = 64 * 1024;
/** The VRRP state line is at the start of the body: only this much is kept to read it. */
const HEAD_LIMIT = 256;

/**
 * Probes with undici: a fresh connection per probe (so a probe really tests that the
 * node accepts connections), a connect timeout, and a total timeout covering
 * connect, headers and body. A node is healthy when it answers 2xx in time.
 */
export function HttpProber(options: {
  connectTimeoutMs: number;
  timeoutMs: number;
  userAgent: string;
}): HttpProber {
  const { connectTimeoutMs, timeoutMs } = options;
  const dispatcher = new Agent({
    connect: { timeout: connectTimeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 1_000,
    connections: 4,
  });
  return {
    async probe(url, signal) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        const response = await request(url, {
          method: 'GET',
          dispatcher,
          reset: true,
          signal: AbortSignal.any([deadline, signal]),
          headers: { 'user-agent': options.userAgent, accept: 'text/plain, */*' },
        });
        let size = 0;
        let head = '';
        for await (const chunk of response.body) {
          size += (chunk as Buffer).length;
          if (head.length < HEAD_LIMIT)
            head += (chunk as Buffer).toString('latin1', 0, HEAD_LIMIT - head.length);
          if (size > BODY_LIMIT) break;
        }
        if (size > BODY_LIMIT) response.body.destroy();
        const healthy = response.statusCode >= 200 && response.statusCode < 300;
        const vrrp = healthy ? parseVrrpReport(head) : undefined;
        return {
          healthy,
          latencyMs: elapsed(),
          detail: `HTTP ${response.statusCode}`,
          ...(vrrp ? { vrrp } : {}),
        };
      } catch (error) {
        return {
          healthy: false,
          latencyMs: elapsed(),
          detail: describeFailure(error, deadline, signal, connectTimeoutMs, timeoutMs),
        };
      }
    },
    async close() {
      await dispatcher.destroy();
    },
  };
}

function describeFailure(
  error: unknown,
  deadline: AbortSignal,
  signal: AbortSignal,
  connectTimeoutMs: number,
  timeoutMs: number,
): string {
  if (signal.aborted) return 'probe cancelled (shutting down)';
  if (deadline.aborted) return `no answer within ${timeoutMs} ms`;
  if (error instanceof errors.ConnectTimeoutError)
    return `connect timeout after ${connectTimeoutMs} ms`;
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError)
    return `no answer within ${timeoutMs} ms`;
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'name not resolved';
    default:
      return `probe failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 200);
  }
}
