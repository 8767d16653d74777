import { ServerError, Status } from 'nice-grpc';
import { Node, type WatchNodesResponse } from '@gateway/proto/health';
import { repeatedElementSize, SizeBoundedChunker } from '@gateway/shared';
import { nodeToProto } from '../api/response-mapping.js';
import type { NodeView } from '../state/node-view.js';

/** Room left in a WatchNodesResponse for `snapshot` and `more`. */
const MESSAGE_OVERHEAD_BYTES = 16;

/**
 * The node inventory as snapshot messages of at most `maxMessageBytes` encoded: every one
 * with `snapshot`, every one but the last with `more`. Without `chunked` (a client that
 * predates chunks) it is one message, as before, or FAILED_PRECONDITION when that would not fit.
 */
export function nodeSnapshotChunks(
  views: readonly NodeView[],
  options: { chunked: boolean; maxMessageBytes: number },
): WatchNodesResponse[] {
  const chunker = SizeBoundedChunker<Node>(options.maxMessageBytes - MESSAGE_OVERHEAD_BYTES);
  const messages: WatchNodesResponse[] = [];
  for (const view of views) {
    const node = nodeToProto(view);
    const full = chunker.add(node, repeatedElementSize(Node.encode(node).finish().length));
    if (!full) continue;
    if (!options.chunked) {
      throw new ServerError(
        Status.FAILED_PRECONDITION,
        `the node snapshot is larger than the ${options.maxMessageBytes}-byte message bound: ` +
          'set chunked_snapshots to receive it in several messages',
      );
    }
    messages.push({ nodes: full, snapshot: true, more: true });
  }
  messages.push({ nodes: chunker.take(), snapshot: true, more: false });
  return messages;
}
