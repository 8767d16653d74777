import { ClientError, createClient, Status, type Channel } from 'nice-grpc';
import { bearer, TEST_TOKENS } from '@gateway/testkit';
import { channelTo } from './services.js';
import { PeekingWatchDefinition } from './watch-peek.js';

/** A WatchInstances stream held open by the benchmark, as a gateway-core or an operator would. */
export type Watcher = {
  /** Resolves when the whole first snapshot arrived (all its chunks); rejects when the stream fails first. */
  readonly snapshot: Promise<{ instances: number; ms: number }>;
  /** performance.now() when a change to `instanceId` reached this watcher. */
  readonly receipts: Map<string, number>;
  /** How often the stream was opened again after UNAVAILABLE before its first snapshot. */
  readonly retries: () => number;
  /** Set when the stream ended with an error. */
  readonly error: () => unknown;
  close(): void;
};

const MAX_RETRIES = 5;
const RETRY_DELAY_MS = 250;

/**
 * Opens a WatchInstances stream on its own channel (gRPC client defaults: 4 MiB receive
 * limit) asking for chunked snapshots, as the SDK does, and peeks at each message
 * (counts and ids, see peekWatchMessage); like the SDK, it opens the stream
 * again (a bounded number of times) when the first snapshot ends with UNAVAILABLE.
 */
export function openWatcher(
  address: string,
  options: {
    group?: string;
    onChange?: (instanceId: string) => void;
    /** A channel to share with other watchers (default: one of its own, closed with the watcher). */
    channel?: Channel;
  } = {},
): Watcher {
  const channel: Channel = options.channel ?? channelTo(address);
  const client = createClient(PeekingWatchDefinition, channel, { '*': bearer(TEST_TOKENS.admin) });
  const controller = new AbortController();
  const receipts = new Map<string, number>();
  let failure: unknown;
  let retries = 0;
  let snapshotDone = false;
  const started = performance.now();
  let instances = 0;
  let resolveSnapshot!: (value: { instances: number; ms: number }) => void;
  let rejectSnapshot!: (error: unknown) => void;
  const snapshot = new Promise<{ instances: number; ms: number }>((resolve, reject) => {
    resolveSnapshot = resolve;
    rejectSnapshot = reject;
  });
  snapshot.catch(() => undefined);
  const watch = async (): Promise<void> => {
    try {
      for await (const message of client.watchInstances(
        { group: options.group ?? '', chunkedSnapshots: true },
        { signal: controller.signal },
      )) {
        if (message.kind === 'snapshot') {
          instances += message.instances;
          if (!message.more) {
            snapshotDone = true;
            resolveSnapshot({ instances, ms: performance.now() - started });
          }
        } else if (message.kind === 'change') {
          receipts.set(message.instanceId, performance.now());
          options.onChange?.(message.instanceId);
        }
      }
      rejectSnapshot(new Error('the watch ended before its snapshot'));
    } catch (error) {
      if (controller.signal.aborted) return rejectSnapshot(error);
      if (
        !snapshotDone &&
        error instanceof ClientError &&
        error.code === Status.UNAVAILABLE &&
        retries < MAX_RETRIES
      ) {
        retries += 1;
        instances = 0;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        return watch();
      }
      failure = error;
      rejectSnapshot(error);
    }
  };
  void watch();
  return {
    snapshot,
    receipts,
    retries: () => retries,
    error: () => failure,
    close() {
      controller.abort();
      if (!options.channel) channel.close();
    },
  };
}
