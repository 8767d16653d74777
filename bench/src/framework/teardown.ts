/**
 * What a benchmark started, stopped in reverse order when it ends, whatever happens
 * (the test kit's exit hook remains the last resort when the runner is killed).
 */
export type Teardown = {
  /** Registers a stop action; returns `value` for chaining (`const x = teardown.add(await start(), (x) => x.stop())`). */
  add<T>(value: T, stop: (value: T) => unknown): T;
  /** Runs every stop action, last first; one that fails does not keep the others from running. */
  close(): Promise<void>;
};

export function Teardown(): Teardown {
  const actions: Array<() => unknown> = [];
  return {
    add(value, stop) {
      actions.push(() => stop(value));
      return value;
    },
    async close() {
      while (actions.length > 0) {
        const action = actions.pop()!;
        try {
          await action();
        } catch {
          // keep stopping the rest
        }
      }
    },
  };
}
