import assert from 'node:assert/strict';
import {
  describeFuzzReport,
  fuzzRpc,
  UNDECODABLE_LABEL,
  type RpcFuzzReport,
  type RpcFuzzTarget,
} from './fuzz-rpc.js';
import type { RawGrpcCaller } from './raw-grpc-caller.js';

/**
 * Fuzzes every RPC of a service in turn (`cases` each, seeds `seed`, `seed + 1`, ...) and prints
 * one `[figure]` line per RPC. Streams run more at a time: an accepted stream stays open until
 * its first message or its deadline.
 */
export async function fuzzEveryRpc(
  caller: RawGrpcCaller,
  targets: readonly RpcFuzzTarget[],
  options: { service: string; cases: number; seed: number; token: string },
): Promise<RpcFuzzReport[]> {
  // One RPC after the other: all at once starves a service on a loaded machine until its
  // keepalive pings go unanswered and the connection drops (UNAVAILABLE), which says nothing
  // about the requests.
  const reports: RpcFuzzReport[] = [];
  for (const [index, target] of targets.entries()) {
    const report = await fuzzRpc(caller, target, {
      cases: options.cases,
      seed: options.seed + index,
      concurrency: target.stream ? 100 : 16,
      token: options.token,
      streamTimeoutMs: 1_500,
    });
    reports.push(report);
    console.log(`[figure] wire fuzz ${options.service} ${describeFuzzReport(report)}`);
  }
  return reports;
}

/**
 * Every RPC got all `cases`, every answer was a status a client may see for bad input (never
 * INTERNAL), and undecodable bytes were among them and answered INVALID_ARGUMENT naming the
 * message type.
 */
export function assertEveryAnswerWellFormed(
  reports: readonly RpcFuzzReport[],
  cases: number,
): void {
  for (const report of reports) {
    assert.equal(report.sent, cases, report.rpc);
    assert.deepEqual(
      report.illFormed,
      [],
      `${report.rpc}: statuses no client may see for bad input`,
    );
    assert.equal(report.statuses['INTERNAL'], undefined, `${report.rpc}: INTERNAL answered`);
    assert.ok(
      (report.statuses[UNDECODABLE_LABEL] ?? 0) > 0,
      `${report.rpc}: no undecodable request was answered INVALID_ARGUMENT`,
    );
  }
}

/**
 * Service environment for a fuzz run: per-token limits out of the way, so that every case
 * reaches decoding and validation whatever the machine's speed (at the default 100 calls/s a
 * fast run answers most cases of a rate-limited RPC RESOURCE_EXHAUSTED, which tests nothing).
 */
export const FUZZ_LIMITS_ENV: Readonly<Record<string, string>> = {
  GATEWAY_TOKEN_RATE: '1000000',
  GATEWAY_TOKEN_BURST: '1000000',
  GATEWAY_TOKEN_MAX_STREAMS: '100000',
};
