import { EventQueue, OVERFLOW, type Logger } from '@gateway/shared';
import type { AttemptRecord } from '../state/node-records.js';

/** Fans the push results channel out to every WatchPushes stream of this replica. */
export type PushResultsHub = {
  publish(attempt: AttemptRecord): void;
  /** Yields results until `signal` aborts; a stream that falls too far behind is told so and ended. */
  subscribe(signal: AbortSignal): AsyncGenerator<AttemptRecord, void, undefined>;
};

export function PushResultsHub(queueLimit: number, logger: Logger): PushResultsHub {
  const queues = new Set<EventQueue<AttemptRecord>>();
  return {
    publish(attempt) {
      for (const queue of queues) queue.push(attempt);
    },
    async *subscribe(signal) {
      const queue = EventQueue<AttemptRecord>(queueLimit);
      queues.add(queue);
      try {
        for await (const item of queue.drain(signal)) {
          if (item === OVERFLOW) {
            logger.warn('a WatchPushes client fell behind: some results were dropped');
            continue;
          }
          yield item;
        }
      } finally {
        queues.delete(queue);
      }
    },
  };
}
