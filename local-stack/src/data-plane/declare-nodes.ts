import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayNode } from '@gateway/testkit';

/**
 * Writes the stack's declared node inventory (host keys pinned) as the JSON array the
 * health service reads from HEALTH_NODES_FILE, and returns its path. Every health replica
 * keeps these nodes in Redis (they come back by themselves after Redis loses its data),
 * so they are probed and config-push pushes to them. This is the one place that declares
 * the inventory: the nodes run before the services start.
 */
export function declareNodes(dir: string, nodes: readonly GatewayNode[]): string {
  const path = join(dir, 'nodes.json');
  const specs = nodes.map((node) => {
    const spec = node.spec();
    return { ...spec, label: `local-${spec.ip}` };
  });
  writeFileSync(path, `${JSON.stringify(specs, null, 2)}\n`, { mode: 0o600 });
  return path;
}
