/** What the guard compares: the render at hand and the last one the nodes were asked to run. */
export type GuardInput = {
  readonly servers: number;
  readonly previousServers: number | undefined;
  readonly force: boolean;
  /** Refuse when fewer than this share of the previous servers remain. */
  readonly minShare: number;
  /** ... and at least this many servers went away at once. */
  readonly minRemoved: number;
};

/** A reason not to push, with the alert kind it raises. */
export type Refusal = {
  readonly kind: 'all_instances_gone' | 'drop_guard';
  readonly message: string;
};

/**
 * Decides whether a render may be pushed. No server at all is never pushed, even when
 * forced (an empty upstream fails `nginx -t`, and an empty registry is more often a lost
 * store than a wish): the nodes keep their config. A sudden drop below the floor share of
 * the last pushed render is refused unless an admin forces it.
 */
export function checkRender(input: GuardInput): Refusal | undefined {
  if (input.servers === 0) {
    return {
      kind: 'all_instances_gone',
      message:
        'the registry has no instance to render: not pushed, the nodes keep their current config',
    };
  }
  const previous = input.previousServers;
  if (input.force || previous === undefined || previous === 0) return undefined;
  const removed = previous - input.servers;
  if (removed >= input.minRemoved && input.servers < previous * input.minShare) {
    return {
      kind: 'drop_guard',
      message: `only ${input.servers} of the ${previous} servers of the last pushed config remain (floor ${Math.round(input.minShare * 100)}%): not pushed; PushNow with force=true pushes it`,
    };
  }
  return undefined;
}
