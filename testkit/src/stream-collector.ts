import { isAbortError } from 'abort-controller-x';

/** Reads a server stream into an array until stopped; remembers how it ended. */
export type StreamCollector<Message> = {
  readonly messages: Message[];
  readonly signal: AbortSignal;
  /** Resolves when the stream ended: 'completed', 'aborted' or the error. */
  readonly ended: Promise<'completed' | 'aborted' | Error>;
  stop(): Promise<void>;
};

export function collectStream<Message>(
  open: (signal: AbortSignal) => AsyncIterable<Message>,
): StreamCollector<Message> {
  const controller = new AbortController();
  const messages: Message[] = [];
  const ended = (async (): Promise<'completed' | 'aborted' | Error> => {
    try {
      for await (const message of open(controller.signal)) messages.push(message);
      return 'completed';
    } catch (error) {
      if (isAbortError(error)) return 'aborted';
      return error as Error;
    }
  })();
  return {
    messages,
    signal: controller.signal,
    ended,
    async stop() {
      controller.abort();
      await ended;
    },
  };
}
