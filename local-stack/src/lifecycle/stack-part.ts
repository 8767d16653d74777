/** Something the stack started and stops: a process (or a node of several) with a bounded stop. */
export type StackPart = {
  readonly name: string;
  /** Stops it within its own bound; resolves to why the stop was not clean, or undefined. */
  stop(): Promise<string | undefined>;
  /** Resolves when it ended on its own (a crash), with what happened; never when stopped. */
  readonly died: Promise<string>;
};

/**
 * Everything running, in the groups the stop order names: the status console first (it
 * only reads the services), the gateway-cores (they deregister while the registry still
 * answers), then the services, then the nodes (nginx + sshd), then redis-server.
 */
export type StackParts = {
  readonly console: StackPart[];
  readonly cores: StackPart[];
  readonly services: StackPart[];
  readonly nodes: StackPart[];
  readonly redis: StackPart[];
};

export function emptyStackParts(): StackParts {
  return { console: [], cores: [], services: [], nodes: [], redis: [] };
}
