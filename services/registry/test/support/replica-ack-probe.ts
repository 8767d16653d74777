import type { SentinelTopology } from '@gateway/testkit';

export type ReplicaAck = { readonly time: number; readonly masterPort: number };

/**
 * Writes a probe key to whichever server Sentinel names master, every 50 ms, and
 * notes when one of its replicas acknowledged it (`WAIT 1`): what a Register
 * acknowledged with REDIS_WAIT_REPLICAS=1 needs after a switch.
 */
export type ReplicaAckProbe = {
  readonly acks: ReplicaAck[];
  /** First acknowledgement by a replica of `masterPort` at or after `since`. */
  firstAfter(since: number, masterPort: number): number | undefined;
  stop(): Promise<void>;
};

export function ReplicaAckProbe(topology: SentinelTopology): ReplicaAckProbe {
  const acks: ReplicaAck[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const master = await topology.master();
        await master.client.set('test:replica-ack-probe', String(Date.now()));
        if ((await master.client.wait(1, 50)) >= 1)
          acks.push({ time: Date.now(), masterPort: master.port });
      } catch {
        // The master is down or changing: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    acks,
    firstAfter: (since, masterPort) =>
      acks.find((ack) => ack.time >= since && ack.masterPort === masterPort)?.time,
    async stop() {
      running = false;
      await loop;
    },
  };
}
