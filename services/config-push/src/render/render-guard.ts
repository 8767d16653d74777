/** What the guard compares: the render at hand and the last one the nodes were asked to run. */
export type GuardInput = {
  readonly servers: number;
  /**
   * Servers of the previous render left out now because they are quarantined: not a drop
   * for the guard (the quarantine has its own bound).
   */
  readonly quarantinedServers?: number;
  readonly previousServers: number | undefined;
  readonly force: boolean;
  /** Refuse when fewer than this share of the previous servers remain. */
  readonly minShare: number;
  /** ... and at least this many servers went away at once. */
  readonly minRemoved: number;
  /** Size of the render in bytes, and the largest file a node accepts (its MAX_BYTES). */
  readonly bytes: number;
  readonly maxBytes: number;
};

/** A reason not to push, with the alert kind it raises. */
export type Refusal = {
  readonly kind: 'all_instances_gone' | 'drop_guard' | 'config_too_large';
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
        'the registry has no instance to render (or every one is quarantined): not pushed, the nodes keep their current config',
    };
  }
  if (input.bytes > input.maxBytes) {
    return {
      kind: 'config_too_large',
      message: `the render is ${input.bytes} bytes, over the nodes' limit of ${input.maxBytes} bytes (the apply script's MAX_BYTES, CONFIG_PUSH_NODE_MAX_BYTES): not pushed, the nodes keep their current config`,
    };
  }
  const previous = input.previousServers;
  if (input.force || previous === undefined || previous === 0) return undefined;
  const kept = input.servers + (input.quarantinedServers ?? 0);
  const removed = previous - kept;
  if (removed >= input.minRemoved && kept < previous * input.minShare) {
    return {
      kind: 'drop_guard',
      message: `only ${kept} of the ${previous} servers of the last pushed config remain (floor ${Math.round(input.minShare * 100)}%): not pushed; PushNow with force=true pushes it`,
    };
  }
  return undefined;
}
