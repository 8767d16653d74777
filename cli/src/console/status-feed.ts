import type { Clients } from '../connection/clients.js';
import { gatherStatus } from '../status/gather-status.js';
import type { StatusModel } from '../status/status-model.js';
import { followStream, type StreamState } from './watch-stream.js';

/** What the console sends its pages: the status, when it was gathered, the state of the watch streams. */
export type ConsoleSnapshot = {
  readonly model: StatusModel;
  readonly gatheredAt: string;
  readonly streams: readonly StreamState[];
};

export type StatusFeed = {
  /** The last snapshot (undefined until the first gather ended). */
  current(): ConsoleSnapshot | undefined;
  /** Calls `listener` with every new snapshot; returns the unsubscribe. */
  subscribe(listener: (snapshot: ConsoleSnapshot) => void): () => void;
  /** Stops the streams and waits for them and for a gather in flight. */
  stop(): Promise<void>;
};

export type FeedTiming = {
  /** Quiet time after an event before the status is gathered again (bursts coalesce). */
  readonly quietMs: number;
  /** The longest an event waits for its gather while events keep coming. */
  readonly maxWaitMs: number;
  /** Gathered again at least this often (alerts and the push leader have no watch stream). */
  readonly refreshMs: number;
};

export const DEFAULT_FEED_TIMING: FeedTiming = {
  quietMs: 150,
  maxWaitMs: 1_000,
  refreshMs: 15_000,
};

/**
 * The console's source: follows the three services' watch streams (registry
 * WatchInstances, health WatchNodes, config-push WatchPushes) and, after each burst of
 * events, gathers the whole status screen again (the same gatherStatus as `gatewayctl
 * status`). At most one gather runs at a time and at most one more is pending, so a
 * storm of events costs one gather per `quietMs`..`maxWaitMs`, never a queue.
 */
export function StatusFeed(clients: Clients, timing: FeedTiming = DEFAULT_FEED_TIMING): StatusFeed {
  const controller = new AbortController();
  const { signal } = controller;
  const listeners = new Set<(snapshot: ConsoleSnapshot) => void>();
  const streams = new Map<string, StreamState>();
  let snapshot: ConsoleSnapshot | undefined;
  let running: Promise<void> | undefined;
  let pending = false;
  let firstEventAt: number | undefined;
  let quietTimer: NodeJS.Timeout | undefined;

  const gather = async () => {
    const { model } = await gatherStatus(clients);
    if (signal.aborted) return;
    snapshot = {
      model,
      gatheredAt: new Date().toISOString(),
      streams: [...streams.values()],
    };
    for (const listener of listeners) listener(snapshot);
  };

  const runGather = () => {
    clearTimeout(quietTimer);
    quietTimer = undefined;
    firstEventAt = undefined;
    if (signal.aborted) return;
    if (running) {
      pending = true;
      return;
    }
    running = gather()
      .catch(() => undefined) // gatherStatus reports failures in the model; nothing else throws
      .finally(() => {
        running = undefined;
        if (pending) {
          pending = false;
          changed();
        }
      });
  };

  /** Something changed: gather after `quietMs` of quiet, or `maxWaitMs` after the first event. */
  const changed = () => {
    if (signal.aborted) return;
    const now = Date.now();
    firstEventAt ??= now;
    clearTimeout(quietTimer);
    const wait = Math.max(0, Math.min(timing.quietMs, firstEventAt + timing.maxWaitMs - now));
    quietTimer = setTimeout(runGather, wait);
  };

  const onState = (state: StreamState) => {
    streams.set(state.service, state);
    changed();
  };
  const follow = (service: string, open: (signal: AbortSignal) => AsyncIterable<unknown>) => {
    streams.set(service, { service, state: 'opening', error: '', since: new Date().toISOString() });
    return followStream({ service, open, onEvent: changed, onState, signal });
  };
  const followers = [
    follow('registry', (s) => clients.registry().watchInstances({ group: '' }, { signal: s })),
    follow('health', (s) => clients.health().watchNodes({}, { signal: s })),
    follow('config-push', (s) => clients.configPush().watchPushes({}, { signal: s })),
  ];
  const refresh = setInterval(changed, timing.refreshMs);
  changed();

  return {
    current: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      controller.abort();
      clearInterval(refresh);
      clearTimeout(quietTimer);
      listeners.clear();
      await Promise.all([...followers, running]);
    },
  };
}
