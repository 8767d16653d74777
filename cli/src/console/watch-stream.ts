import { isAbortError } from 'abort-controller-x';

/**
 * What the page shows of one watch stream: `opening` (opened, nothing received yet: a
 * push stream says nothing until a push), `live` (messages arrive) or `broken`
 * (reconnecting since when, and why).
 */
export type StreamState = {
  readonly service: string;
  readonly state: 'opening' | 'live' | 'broken';
  /** The last failure ('' while live). */
  readonly error: string;
  readonly since: string;
};

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;

/**
 * Follows one service's watch stream until `signal` aborts: every message calls
 * `onEvent`; a broken or ended stream is opened again after a backoff (0.5 s doubling to
 * 10 s, reset once a message arrived), each change of state reported through `onState`.
 * Resolves when stopped; never rejects.
 */
export async function followStream(options: {
  service: string;
  open: (signal: AbortSignal) => AsyncIterable<unknown>;
  onEvent: () => void;
  onState: (state: StreamState) => void;
  signal: AbortSignal;
}): Promise<void> {
  const { service, signal } = options;
  let backoff = BACKOFF_MIN_MS;
  let live = false;
  const report = (state: StreamState['state'], error: string) => {
    live = state === 'live';
    options.onState({ service, state, error, since: new Date().toISOString() });
  };
  while (!signal.aborted) {
    let reason = 'the service ended the stream';
    try {
      for await (const _event of options.open(signal)) {
        if (!live) report('live', '');
        backoff = BACKOFF_MIN_MS;
        options.onEvent();
      }
    } catch (error) {
      if (signal.aborted && isAbortError(error)) break;
      reason = describe(error);
    }
    if (signal.aborted) break;
    report('broken', reason);
    // A change may have been missed while the stream was down: have the status gathered again.
    options.onEvent();
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  }
}

function describe(error: unknown): string {
  const details = (error as { details?: unknown }).details;
  if (typeof details === 'string' && details !== '') return details.slice(0, 200);
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
