import { startGatewayNode, type GatewayNode } from '@gateway/testkit';
import type { StackPart, StackParts } from '../lifecycle/stack-part.js';

/** The local data plane's nodes: one loopback address each (no VIP: keepalived needs namespaces). */
export const NODE_IPS = ['127.0.0.2', '127.0.0.3'] as const;

/**
 * Starts the Nginx nodes (nginx + sshd + the shipped apply script), trusting
 * config-push's public key. They need nothing from the services, so they start first:
 * their specs are known before the health service starts.
 */
export async function startNodes(sshPublicKey: string, parts: StackParts): Promise<GatewayNode[]> {
  const nodes: GatewayNode[] = [];
  for (const ip of NODE_IPS) {
    const node = await startGatewayNode(ip, sshPublicKey);
    parts.nodes.push(nodePart(node));
    nodes.push(node);
  }
  return nodes;
}

function nodePart(node: GatewayNode): StackPart {
  let stopping = false;
  const watched = [node.nginx.process, node.sshd.process].filter((child) => child !== undefined);
  return {
    name: `node ${node.ip}`,
    died: Promise.race(watched.map((child) => child.exited.then(() => child.name))).then((name) =>
      stopping
        ? new Promise<never>(() => undefined)
        : `node ${node.ip}: ${name} exited unexpectedly`,
    ),
    async stop() {
      stopping = true;
      await node.stop();
      return undefined;
    },
  };
}
