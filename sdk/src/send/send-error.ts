import type { NetworkFailureKind } from './network-failure.js';

/** A request that failed at the network level after every attempt it was allowed. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    /** The failure of the last attempt. */
    readonly kind: NetworkFailureKind,
    /** Attempts made, the first included. */
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}
