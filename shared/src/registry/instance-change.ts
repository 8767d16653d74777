import { decodeStoredInstance } from './decode-stored-instance.js';
import type { StoredInstance } from './instance.js';

export const CHANGE_TYPES = ['REGISTERED', 'UPDATED', 'DEREGISTERED', 'EXPIRED'] as const;
export type ChangeTypeName = (typeof CHANGE_TYPES)[number];

/** One change to the instance hash, as published on the changes channel. */
export type InstanceChange = {
  /** The store epoch the revision counts in ('' from a writer older than epochs). */
  readonly epoch: string;
  readonly revision: number;
  readonly type: ChangeTypeName;
  readonly id: string;
  /** The instance after the change (REGISTERED and UPDATED only). */
  readonly instance?: StoredInstance;
};

/**
 * Parses a message of the changes channel; undefined when it is not one (its instance, when
 * present, is validated again like a stored one: an invalid one makes the message unreadable).
 */
export function parseInstanceChange(message: string): InstanceChange | undefined {
  try {
    const raw = JSON.parse(message) as {
      epoch?: unknown;
      revision?: unknown;
      type?: unknown;
      id?: unknown;
      instance?: unknown;
    };
    if (typeof raw.revision !== 'number' || typeof raw.id !== 'string') return undefined;
    if (!CHANGE_TYPES.includes(raw.type as never)) return undefined;
    const type = raw.type as InstanceChange['type'];
    const epoch = typeof raw.epoch === 'string' ? raw.epoch : '';
    if (raw.instance === undefined) return { epoch, revision: raw.revision, type, id: raw.id };
    return {
      epoch,
      revision: raw.revision,
      type,
      id: raw.id,
      instance: decodeStoredInstance(raw.id, JSON.stringify(raw.instance)),
    };
  } catch {
    return undefined;
  }
}
