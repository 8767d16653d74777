import { ClientError, Status } from 'nice-grpc';
import type { RegistryClient } from './registry-fixture.js';
import { spec } from './registry-fixture.js';

export type CallOutcome = {
  readonly call: 'register' | 'heartbeat';
  readonly startedAt: number;
  readonly ok: boolean;
  readonly code?: Status;
};

/** What a Register answered: the revision it produced for the instance (when it changed anything). */
export type AcknowledgedRegister = { readonly id: string; readonly revision: number };

/**
 * Drives instances through the registry API as SDK registrars do: each heartbeats
 * every `heartbeatMs` (alternating between registries), registers again on NOT_FOUND,
 * and retries the next round after any other failure. Every call's outcome is kept.
 */
export type InstanceFleet = {
  readonly outcomes: CallOutcome[];
  readonly acknowledged: AcknowledgedRegister[];
  readonly ids: ReadonlySet<string>;
  /** Registers one more instance (and keeps it heartbeating); resolves with its id once acknowledged. */
  add(host: string, port: number): Promise<string | undefined>;
  stop(): Promise<void>;
};

export function InstanceFleet(options: {
  clients: readonly RegistryClient[];
  leaseSeconds: number;
  heartbeatMs: number;
  callTimeoutMs: number;
}): InstanceFleet {
  const outcomes: CallOutcome[] = [];
  const acknowledged: AcknowledgedRegister[] = [];
  const members = new Map<string, { host: string; port: number; due: number; busy: boolean }>();
  let turn = 0;
  let stopped = false;
  const client = () => options.clients[turn++ % options.clients.length];

  const record = (call: CallOutcome['call'], startedAt: number, error?: unknown) => {
    outcomes.push({
      call,
      startedAt,
      ok: error === undefined,
      code: error instanceof ClientError ? error.code : error ? Status.UNKNOWN : undefined,
    });
  };

  const register = async (host: string, port: number): Promise<string | undefined> => {
    const startedAt = Date.now();
    try {
      const response = await client().register(
        {
          instance: spec({ group: 'fleet', host, port }),
          leaseDuration: { seconds: options.leaseSeconds, nanos: 0 },
        },
        { signal: AbortSignal.timeout(options.callTimeoutMs) },
      );
      record('register', startedAt);
      const instance = response.instance!;
      if (instance.revision === response.revision)
        acknowledged.push({ id: instance.id, revision: response.revision });
      return instance.id;
    } catch (error) {
      record('register', startedAt, error);
      return undefined;
    }
  };

  const heartbeat = async (id: string) => {
    const member = members.get(id)!;
    member.busy = true;
    const startedAt = Date.now();
    try {
      await client().heartbeat(
        { instanceId: id },
        { signal: AbortSignal.timeout(options.callTimeoutMs) },
      );
      record('heartbeat', startedAt);
      member.due = startedAt + options.heartbeatMs;
    } catch (error) {
      record('heartbeat', startedAt, error);
      if (error instanceof ClientError && error.code === Status.NOT_FOUND)
        await register(member.host, member.port);
      member.due = Date.now() + 100;
    } finally {
      member.busy = false;
    }
  };

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [id, member] of members) if (!member.busy && member.due <= now) void heartbeat(id);
  }, 20);

  return {
    outcomes,
    acknowledged,
    get ids() {
      return new Set(members.keys());
    },
    async add(host, port) {
      for (;;) {
        const id = await register(host, port);
        if (id) {
          members.set(id, {
            host,
            port,
            due: Date.now() + options.heartbeatMs * Math.random(),
            busy: false,
          });
          return id;
        }
        if (stopped) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      const deadline = Date.now() + options.callTimeoutMs + 500;
      while ([...members.values()].some((member) => member.busy) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
