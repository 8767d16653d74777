import { ChangeType, type WatchInstancesResponse } from '@gateway/proto/registry';
import { collectStream, type StreamCollector } from '@gateway/testkit';
import type { RegistryClient } from './registry-fixture.js';

export type WatchedChange = {
  readonly revision: number;
  readonly type: ChangeType;
  readonly id: string;
};

/** A WatchInstances stream kept open by the test, replayed into the state a watcher holds. */
export type WatchRecord = {
  readonly collector: StreamCollector<WatchInstancesResponse>;
  /** Every change event, in order. */
  changes(): WatchedChange[];
  /** Ids the watcher holds after every message so far. */
  state(): Set<string>;
  /** Messages whose revision is below the one before (a stream going backwards). */
  backwards(): Array<{ from: number; to: number }>;
  snapshots(): number;
};

export function recordWatch(client: RegistryClient): WatchRecord {
  const collector = collectStream((signal) => client.watchInstances({ group: '' }, { signal }));
  const { messages } = collector;
  return {
    collector,
    changes() {
      const changes: WatchedChange[] = [];
      for (const message of messages)
        if (message.event?.$case === 'change')
          changes.push({
            revision: message.revision,
            type: message.event.value.type,
            id: message.event.value.instanceId,
          });
      return changes;
    },
    state() {
      const ids = new Set<string>();
      for (const message of messages) {
        if (message.event?.$case === 'snapshot') {
          ids.clear();
          for (const instance of message.event.value.instances) ids.add(instance.id);
        } else if (message.event?.$case === 'change') {
          const { type, instanceId } = message.event.value;
          if (type === ChangeType.CHANGE_TYPE_REGISTERED || type === ChangeType.CHANGE_TYPE_UPDATED)
            ids.add(instanceId);
          else ids.delete(instanceId);
        }
      }
      return ids;
    },
    backwards() {
      const found: Array<{ from: number; to: number }> = [];
      for (let i = 1; i < messages.length; i++)
        if (messages[i].revision < messages[i - 1].revision)
          found.push({ from: messages[i - 1].revision, to: messages[i].revision });
      return found;
    },
    snapshots() {
      return messages.filter((message) => message.event?.$case === 'snapshot').length;
    },
  };
}
