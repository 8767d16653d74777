import type { Instance, InstanceChange, WatchInstancesResponse } from '@gateway/proto/registry';
import { SnapshotAssembler } from './snapshot-assembler.js';

/** What a WatchInstances stream means once its chunks are put together. */
export type InstanceWatchEvent =
  | {
      readonly type: 'snapshot';
      readonly revision: number;
      /** Every instance (of the watched group), in id order: replaces what the client holds. */
      readonly instances: Instance[];
      /** How many messages it came in. */
      readonly chunks: number;
    }
  | { readonly type: 'change'; readonly revision: number; readonly change: InstanceChange };

/**
 * Reads a WatchInstances stream opened with `chunkedSnapshots: true` and yields whole
 * snapshots and single changes. Apply every change whose revision is above the last
 * snapshot's: a snapshot is read page by page while the registry changes, and the changes
 * that follow it make it exact. Works as well against a server that sends one message.
 */
export async function* assembleInstanceWatch(
  stream: AsyncIterable<WatchInstancesResponse>,
): AsyncGenerator<InstanceWatchEvent, void, undefined> {
  const assembler = SnapshotAssembler<Instance>();
  let chunks = 0;
  for await (const message of stream) {
    const { event } = message;
    if (event?.$case === 'snapshot') {
      if (!assembler.assembling) chunks = 0;
      chunks += 1;
      const whole = assembler.add(message.revision, event.value.instances, event.value.more);
      if (whole)
        yield { type: 'snapshot', revision: whole.revision, instances: whole.items, chunks };
    } else if (event?.$case === 'change') {
      yield { type: 'change', revision: message.revision, change: event.value };
    }
  }
}
