import type { NetworkFailureKind } from './network-failure.js';

/** Consecutive network-level failures; a success resets it. */
export type FailureCounter = {
  /** Counts a failure; returns the count so far. */
  failure(kind: NetworkFailureKind): number;
  success(): void;
  readonly consecutive: number;
  readonly lastKind: NetworkFailureKind | undefined;
};

export function FailureCounter(): FailureCounter {
  let consecutive = 0;
  let lastKind: NetworkFailureKind | undefined;
  return {
    failure(kind) {
      lastKind = kind;
      return ++consecutive;
    },
    success() {
      consecutive = 0;
      lastKind = undefined;
    },
    get consecutive() {
      return consecutive;
    },
    get lastKind() {
      return lastKind;
    },
  };
}
