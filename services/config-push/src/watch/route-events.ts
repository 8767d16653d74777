import type { Logger, RegistryChangeFeed } from '@gateway/shared';
import type { PushResultsHub } from '../api/push-results-hub.js';
import type { Pusher } from '../reconcile/pusher.js';
import type { NodeEventFeed } from './node-events.js';

/**
 * Routes what config-push hears: registry revisions and node events to the pusher of
 * this term (if this replica holds the lease), push results to the WatchPushes hub.
 * Returns the removal of both listeners.
 */
export function routeEvents(options: {
  registry: RegistryChangeFeed;
  nodes: NodeEventFeed;
  hub: PushResultsHub;
  pusher: () => Pusher | undefined;
  logger: Logger;
}): () => void {
  const { pusher, logger } = options;
  const stopRegistry = options.registry.listen((event) =>
    event.kind === 'change'
      ? pusher()?.registryChanged(event.change.epoch, event.change.revision)
      : pusher()?.registryChanged(event.epoch, event.revision),
  );
  const stopNodes = options.nodes.listen((event) => {
    if (event.kind === 'push') {
      options.hub.publish(event.attempt);
    } else if (event.kind === 'health' && event.up) {
      logger.info({ node: event.ip }, 'node is UP again: reconciling it');
      pusher()?.nodeNeedsCheck(event.ip);
    } else if (event.kind === 'inventory' && !event.removed) {
      pusher()?.nodeNeedsCheck(event.ip);
    }
  });
  return () => {
    stopRegistry();
    stopNodes();
  };
}
