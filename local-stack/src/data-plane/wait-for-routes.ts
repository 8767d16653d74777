import { waitFor, type GatewayNode } from '@gateway/testkit';

/**
 * Waits until every node answers `/` from every core (config-push rendered the upstreams
 * with all of them and each node applied them). A core answers `{"core": "<id>", …}`.
 */
export async function waitForRoutes(
  nodes: readonly GatewayNode[],
  coreIds: readonly string[],
): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      const seen = new Set<string>();
      await waitFor(
        `${node.nginx.url} to route to ${coreIds.join(' and ')}`,
        async () => {
          const response = await fetch(node.nginx.url, { signal: AbortSignal.timeout(1_000) });
          if (response.ok) seen.add(String(((await response.json()) as { core?: unknown }).core));
          else await response.body?.cancel();
          return coreIds.every((id) => seen.has(id));
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    }),
  );
}
