import { describeFuzzReport, fuzzRpc, type RpcFuzzReport, type RpcFuzzTarget } from './fuzz-rpc.js';
import type { RawGrpcCaller } from './raw-grpc-caller.js';

/**
 * Fuzzes every RPC of a service at once (`cases` each, seeds `seed`, `seed + 1`, ...) and prints
 * one `[figure]` line per RPC. Streams run more at a time: an accepted stream stays open until
 * its first message or its deadline.
 */
export async function fuzzEveryRpc(
  caller: RawGrpcCaller,
  targets: readonly RpcFuzzTarget[],
  options: { service: string; cases: number; seed: number; token: string },
): Promise<RpcFuzzReport[]> {
  // Every RPC at the same time: the service is busy with all of them at once, as in production.
  const reports = await Promise.all(
    targets.map((target, index) =>
      fuzzRpc(caller, target, {
        cases: options.cases,
        seed: options.seed + index,
        concurrency: target.stream ? 100 : 16,
        token: options.token,
        streamTimeoutMs: 1_500,
      }),
    ),
  );
  for (const report of reports)
    console.log(`[figure] wire fuzz ${options.service} ${describeFuzzReport(report)}`);
  return reports;
}
