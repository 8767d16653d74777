import { spec, type RegistryClient } from './registry-fixture.js';

/**
 * `count` rounds of one Register through each client, each changing its instance (a
 * new revision), interleaved so both see the same machine load; ms per call, per
 * client. `afterEach` sees each acknowledged answer (its client index, id, revision).
 */
export async function registerLatencies(
  clients: readonly RegistryClient[],
  count: number,
  afterEach: (index: number, id: string, revision: number) => Promise<void> = async () => {},
): Promise<number[][]> {
  const samples = clients.map((): number[] => []);
  for (let i = 0; i < count; i++) {
    for (const [index, client] of clients.entries()) {
      const started = performance.now();
      const response = await client.register({
        instance: spec({
          group: 'latency',
          host: `client-${index}.example`,
          port: 80,
          metadata: { n: String(i) },
        }),
        leaseDuration: { seconds: 60, nanos: 0 },
      });
      samples[index].push(performance.now() - started);
      await afterEach(index, response.instance!.id, response.revision);
    }
  }
  for (const [index, client] of clients.entries())
    await client.deregister({ instanceId: `latency/client-${index}.example/80` });
  return samples;
}

export function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}
