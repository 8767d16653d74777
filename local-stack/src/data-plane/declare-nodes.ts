import { createChannel, createClient, Metadata } from 'nice-grpc';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import type { GatewayNode } from '@gateway/testkit';

/**
 * Gives the nodes to the health service through AddNode (host keys pinned), so they are
 * probed and config-push pushes to them. This is the one place that declares the
 * inventory: a health service that reads a declared inventory from its environment
 * would get the same specs there instead (the nodes already run before it starts).
 */
export async function declareNodes(options: {
  healthAddress: string;
  adminToken: string;
  nodes: readonly GatewayNode[];
}): Promise<void> {
  const channel = createChannel(options.healthAddress);
  const health = createClient(NodeHealthServiceDefinition, channel, {
    '*': { metadata: Metadata({ authorization: `Bearer ${options.adminToken}` }) },
  });
  try {
    for (const node of options.nodes) {
      const spec = node.spec();
      await health.addNode(
        {
          node: {
            ip: spec.ip,
            healthUrl: spec.healthUrl,
            ssh: { ...spec.ssh, hostKey: spec.ssh.hostKey ?? '' },
            configPath: spec.configPath,
            label: `local-${spec.ip}`,
          },
        },
        { signal: AbortSignal.timeout(10_000) },
      );
    }
  } catch (error) {
    throw new Error(`AddNode on ${options.healthAddress} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    channel.close();
  }
}
