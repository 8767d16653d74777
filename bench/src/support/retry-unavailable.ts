import { ClientError, Status } from 'nice-grpc';

/**
 * Calls `call` again after UNAVAILABLE ("redis is unavailable, retry later": a Redis
 * command timed out on the overloaded machine), as the SDK does, at most `attempts` times
 * in all; `onRetry` counts the retries, which the benchmark reports. Any other error, or
 * the last UNAVAILABLE, is thrown: the benchmark broke.
 */
export async function retryUnavailable<T>(
  call: () => Promise<T>,
  onRetry: () => void,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (
        !(error instanceof ClientError && error.code === Status.UNAVAILABLE) ||
        attempt >= attempts
      )
        throw error;
      onRetry();
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
