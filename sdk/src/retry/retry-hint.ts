import { RETRY_AFTER_METADATA } from '@gateway/shared/retry-after';
import { ClientError, Status, type Metadata } from 'nice-grpc';

/** The longest server-hinted wait honoured: a larger hint (a bug, a hostile server) waits this. */
export const MAX_RETRY_HINT_MS = 60_000;

/**
 * Reads the `retry-after-ms` trailer a center sends with RESOURCE_EXHAUSTED when a token is
 * over its rate. Pass `onTrailer` in the call's options, then ask `hintMs(error)` in its catch.
 */
export type RetryHint = {
  readonly onTrailer: (trailer: Metadata) => void;
  /** The wait the server asked for (capped at MAX_RETRY_HINT_MS), or undefined when none. */
  hintMs(error: unknown): number | undefined;
};

export function RetryHint(): RetryHint {
  let trailer: Metadata | undefined;
  return {
    onTrailer: (received) => {
      trailer = received;
    },
    hintMs(error) {
      if (!(error instanceof ClientError) || error.code !== Status.RESOURCE_EXHAUSTED)
        return undefined;
      return parseRetryAfterMs(trailer?.get(RETRY_AFTER_METADATA));
    },
  };
}

/** A whole, non-negative number of milliseconds, capped; anything else is no hint. */
export function parseRetryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Math.min(Number(value.trim()), MAX_RETRY_HINT_MS);
}
