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
