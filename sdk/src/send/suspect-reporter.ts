import { deadline } from '@gateway/shared/deadline';
import { channelCredentials, type ClientTlsFiles } from '@gateway/shared/tls-client';
import { createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import {
  NodeHealthServiceDefinition,
  ProbeDecision,
  probeDecisionToJSON,
} from '@gateway/proto/health';
import { RetryHint } from '../retry/retry-hint.js';
import { toProtoFailureKind, type NetworkFailureKind } from './network-failure.js';

export type SuspectReporterOptions = {
  /** host:port of each health-service replica; reports go round robin and fail over between them. */
  readonly centers: readonly string[];
  /** Bearer token of role `sdk`. */
  readonly token: string;
  /** TLS to the health replicas: CA file, and client certificate + key for mTLS. Absent: plaintext. */
  readonly tls?: ClientTlsFiles;
  /** Who reports: a stable id of this client (1-128 chars). */
  readonly reporter: string;
  /** What failed: the VIP base URL. */
  readonly target: string;
  /** Deadline of one call to one replica (default 1,000 ms). */
  readonly deadlineMs?: number;
  /** At most one report is started per this interval (default 2,000 ms); the rest are dropped. */
  readonly minIntervalMs?: number;
  /** Told about every report's outcome (for logs and metrics); must not throw. */
  readonly onOutcome?: (outcome: ReportOutcome) => void;
};

export type ReportOutcome =
  | {
      readonly result: 'sent';
      readonly center: string;
      readonly decision: string;
      readonly durationMs: number;
    }
  | {
      readonly result: 'failed';
      readonly errors: readonly string[];
      readonly durationMs: number;
      /**
       * A center refused the report RESOURCE_EXHAUSTED with a `retry-after-ms` hint (the token
       * is over its rate): no report starts before this many ms have passed (capped at 60 s),
       * and the other centers are not tried for this one.
       */
      readonly retryAfterMs?: number;
    }
  | { readonly result: 'rate-limited' }
  | { readonly result: 'in-flight' };

export type SuspectReporterStats = {
  readonly sent: number;
  readonly failed: number;
  readonly rateLimited: number;
  readonly inFlightSkipped: number;
};

/**
 * Sends ReportSuspect in the background: never awaited by a caller, never throws, rate-limited
 * (at most one report per minIntervalMs, and none while a center's retry-after-ms hint runs).
 */
export type SuspectReporter = {
  /** Starts a report if the rate limit allows; returns at once. */
  report(kind: NetworkFailureKind, consecutiveFailures: number): void;
  /** Resolves when the report in flight (if any) has settled; for orderly shutdown and tests. */
  idle(): Promise<void>;
  stats(): SuspectReporterStats;
  /** Aborts a report in flight and closes the channels. */
  close(): void;
};

export function SuspectReporter(options: SuspectReporterOptions): SuspectReporter {
  if (options.centers.length === 0)
    throw new Error('SuspectReporter: at least one center address is needed');
  const deadlineMs = options.deadlineMs ?? 1_000;
  const minIntervalMs = options.minIntervalMs ?? 2_000;
  const metadata = Metadata({ authorization: `Bearer ${options.token}` });
  const credentials = channelCredentials(options.tls);
  const shutdown = new AbortController();
  const channels = new Map<string, Channel>();
  let next = 0;
  let lastStart = -Infinity;
  /** No report starts before this (performance.now()): a center's retry-after-ms hint. */
  let holdUntil = -Infinity;
  let inFlight: Promise<void> | undefined;
  const counts = { sent: 0, failed: 0, rateLimited: 0, inFlightSkipped: 0 };

  const tell = (outcome: ReportOutcome) => {
    try {
      options.onOutcome?.(outcome);
    } catch {
      // An observer's bug must not reach the caller.
    }
  };

  const clientFor = (center: string) => {
    let channel = channels.get(center);
    if (!channel) {
      channel = createChannel(center, credentials);
      channels.set(center, channel);
    }
    return createClient(NodeHealthServiceDefinition, channel);
  };

  const send = async (kind: NetworkFailureKind, consecutiveFailures: number) => {
    const started = performance.now();
    const first = next++ % options.centers.length;
    const errors: string[] = [];
    let retryAfterMs: number | undefined;
    for (let i = 0; i < options.centers.length && !shutdown.signal.aborted; i++) {
      const center = options.centers[(first + i) % options.centers.length];
      const limit = deadline(shutdown.signal, deadlineMs);
      const hint = RetryHint();
      try {
        const response = await clientFor(center).reportSuspect(
          {
            reporter: options.reporter,
            target: options.target,
            failureKind: toProtoFailureKind(kind),
            consecutiveFailures,
          },
          { metadata, signal: limit.signal, onTrailer: hint.onTrailer },
        );
        counts.sent++;
        const decision = probeDecisionToJSON(
          response.decision ?? ProbeDecision.PROBE_DECISION_UNSPECIFIED,
        );
        tell({ result: 'sent', center, decision, durationMs: performance.now() - started });
        return;
      } catch (error) {
        errors.push(`${center}: ${error instanceof Error ? error.message : String(error)}`);
        retryAfterMs = hint.hintMs(error);
        if (retryAfterMs !== undefined) {
          // Over the token's rate: spraying the other replicas would defeat the limit.
          holdUntil = performance.now() + retryAfterMs;
          break;
        }
      } finally {
        limit.clear();
      }
    }
    counts.failed++;
    tell({
      result: 'failed',
      errors,
      durationMs: performance.now() - started,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  };

  return {
    report(kind, consecutiveFailures) {
      if (shutdown.signal.aborted) return;
      if (inFlight) {
        counts.inFlightSkipped++;
        tell({ result: 'in-flight' });
        return;
      }
      const now = performance.now();
      if (now - lastStart < minIntervalMs || now < holdUntil) {
        counts.rateLimited++;
        tell({ result: 'rate-limited' });
        return;
      }
      lastStart = now;
      // Started on a later turn of the event loop: the caller never waits, even for the set-up.
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => send(kind, consecutiveFailures))
        .catch(() => undefined)
        .finally(() => {
          inFlight = undefined;
        });
      inFlight = run;
    },
    async idle() {
      await inFlight;
    },
    stats: () => ({ ...counts }),
    close() {
      shutdown.abort();
      for (const channel of channels.values()) channel.close();
      channels.clear();
    },
  };
}
