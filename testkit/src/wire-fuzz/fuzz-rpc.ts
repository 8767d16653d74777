import { status as GrpcStatus } from '@grpc/grpc-js';
import { malformedMessages, type FuzzStrategy } from './malformed-messages.js';
import type { MessageShape } from './protobuf-wire.js';
import type { RawCallOutcome, RawGrpcCaller } from './raw-grpc-caller.js';

/** One RPC to fuzz. */
export type RpcFuzzTarget = {
  /** `/package.Service/Method`. */
  readonly path: string;
  /** A server-streaming RPC. */
  readonly stream?: boolean;
  readonly shape: MessageShape;
  /** Encodings of valid requests, the seeds of truncation and mutation. */
  readonly validSamples: readonly Buffer[];
  /**
   * For an RPC that writes: true when the bytes decode to a request the service would accept
   * (the fuzzer does not send those, so that every request sent is known to be invalid).
   */
  readonly acceptedRequest?: (bytes: Buffer) => boolean;
};

export type RpcFuzzReport = {
  readonly rpc: string;
  /** Requests sent. */
  readonly sent: number;
  /** Generated cases that decode to an accepted request: not sent (see acceptedRequest). */
  readonly skippedAccepted: number;
  /** How the calls ended, by label ("INVALID_ARGUMENT", "INVALID_ARGUMENT (undecodable request)", ...). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly strategies: Readonly<Record<FuzzStrategy, number>>;
  /** Calls that ended with a status a client must never see for bad input, with the bytes sent. */
  readonly illFormed: ReadonlyArray<{
    label: string;
    details: string;
    strategy: string;
    hex: string;
  }>;
  readonly durationMs: number;
};

/**
 * How the services answer request bytes that are not a message of the request type (the shared
 * gRPC server's request-decoding middleware): INVALID_ARGUMENT naming the message type.
 */
const UNDECODABLE = /^request: not a valid [\w.]+ protobuf message$/;
export const UNDECODABLE_LABEL = 'INVALID_ARGUMENT (undecodable request)';

function labelOf(outcome: RawCallOutcome): string {
  if (outcome.code === 'STREAM_OPEN') return 'STREAM_OPEN';
  const name = GrpcStatus[outcome.code] ?? `CODE_${outcome.code}`;
  if (outcome.code === Number(GrpcStatus.INVALID_ARGUMENT) && UNDECODABLE.test(outcome.details))
    return UNDECODABLE_LABEL;
  return name;
}

/**
 * Labels that mean something went wrong in the service rather than with the request: UNKNOWN
 * (a handler threw something unmapped), INTERNAL (a crash, or grpc-js's "Error deserializing
 * request": undecodable bytes must be INVALID_ARGUMENT), UNAVAILABLE (the service went away), a
 * unary call that hung until its deadline.
 */
export function isIllFormed(label: string, stream: boolean): boolean {
  return (
    label === 'UNKNOWN' ||
    label === 'INTERNAL' ||
    label === 'UNAVAILABLE' ||
    label.startsWith('CODE_') ||
    (label === 'DEADLINE_EXCEEDED' && !stream)
  );
}

/**
 * Sends `cases` malformed or random encodings of one RPC's request (reproducible from
 * `seed`), `concurrency` at a time: most with `token`, one in ten with none or an unknown
 * token. Returns how the calls ended.
 */
export async function fuzzRpc(
  caller: RawGrpcCaller,
  target: RpcFuzzTarget,
  options: {
    cases: number;
    seed: number;
    concurrency: number;
    token: string;
    /** Deadline of a unary call (a hang is a failure) or of a stream that sends nothing. */
    unaryTimeoutMs?: number;
    streamTimeoutMs?: number;
  },
): Promise<RpcFuzzReport> {
  const started = performance.now();
  const cases = malformedMessages({
    shape: target.shape,
    validSamples: target.validSamples,
    seed: options.seed,
  });
  const statuses: Record<string, number> = {};
  const strategies = {} as Record<FuzzStrategy, number>;
  const illFormed: Array<{ label: string; details: string; strategy: string; hex: string }> = [];
  let sent = 0;
  let skippedAccepted = 0;
  const stream = target.stream ?? false;
  const worker = async () => {
    while (sent < options.cases) {
      const next = cases.next().value as { strategy: FuzzStrategy; bytes: Buffer };
      if (target.acceptedRequest?.(next.bytes)) {
        skippedAccepted += 1;
        continue;
      }
      const index = sent;
      sent += 1;
      strategies[next.strategy] = (strategies[next.strategy] ?? 0) + 1;
      const token =
        index % 20 === 0 ? undefined : index % 20 === 1 ? 'not-a-known-token' : options.token;
      const outcome = await caller.call(target.path, next.bytes, {
        token,
        stream,
        timeoutMs: stream ? (options.streamTimeoutMs ?? 500) : (options.unaryTimeoutMs ?? 30_000),
      });
      const label = labelOf(outcome);
      statuses[label] = (statuses[label] ?? 0) + 1;
      // Up to three examples of each kind, so one kind cannot hide another.
      if (
        isIllFormed(label, stream) &&
        illFormed.filter((entry) => entry.label === label).length < 3
      ) {
        illFormed.push({
          label,
          details: outcome.details.slice(0, 200),
          strategy: next.strategy,
          hex: next.bytes.subarray(0, 96).toString('hex'),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    rpc: target.path.split('/').pop() ?? target.path,
    sent,
    skippedAccepted,
    statuses,
    strategies,
    illFormed,
    durationMs: Math.round(performance.now() - started),
  };
}

/** `[figure]` line of one RPC's fuzz report. */
export function describeFuzzReport(report: RpcFuzzReport): string {
  const statuses = Object.entries(report.statuses)
    .sort(([, a], [, b]) => b - a)
    .map(([label, count]) => `${label} ${count}`)
    .join(', ');
  const illFormed = report.illFormed.length;
  return `${report.rpc}: ${report.sent} cases (${report.skippedAccepted} generated valid requests not sent) in ${(report.durationMs / 1000).toFixed(1)} s; statuses: ${statuses}; ill-formed: ${illFormed}`;
}
