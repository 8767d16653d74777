import type { Logger } from '../output/stack-logger.js';
import type { StackPart, StackParts } from './stack-part.js';

const STAGES: ReadonlyArray<{ key: keyof StackParts; what: string }> = [
  { key: 'console', what: 'the status console' },
  { key: 'cores', what: 'the gateway-cores (they deregister while the registry still answers)' },
  { key: 'services', what: 'the services' },
  { key: 'nodes', what: 'the Nginx nodes (nginx + sshd)' },
  { key: 'redis', what: 'redis-server' },
];

/**
 * Stops everything, one group after the other (each part within its own bound, the parts
 * of a group together), and returns what did not stop cleanly (empty: a clean stop).
 * Parts are taken out of `parts` as they are stopped, so a second call stops only what
 * was added since.
 */
export async function stopInOrder(parts: StackParts, logger: Logger): Promise<string[]> {
  const problems: string[] = [];
  for (const { key, what } of STAGES) {
    const group: StackPart[] = parts[key].splice(0);
    if (group.length === 0) continue;
    const started = Date.now();
    logger.info(`stopping ${what}`);
    const results = await Promise.all(
      group.map((part) =>
        part.stop().catch((error: unknown) => `${part.name}: ${(error as Error).message}`),
      ),
    );
    for (const problem of results) if (problem) problems.push(problem);
    logger.info(
      { stopped: group.map((part) => part.name), ms: Date.now() - started },
      `stopped ${what.replace(/ \(.*/, '')}`,
    );
  }
  return problems;
}
