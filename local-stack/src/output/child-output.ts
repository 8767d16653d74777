import { createInterface } from 'node:readline';
import type { ManagedProcess } from '@gateway/testkit';
import type { LineFormatter } from './line-formatter.js';

/**
 * Prints every line `child` writes, through `format`, on the stack's stdout. Resolves
 * once both of its streams have closed (every line it wrote has been printed).
 */
export async function relayOutput(
  source: string,
  child: ManagedProcess,
  format: LineFormatter,
): Promise<void> {
  const relay = async (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
    if (!stream) return;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) process.stdout.write(format(source, line, name));
  };
  await Promise.all([relay(child.child.stdout, 'stdout'), relay(child.child.stderr, 'stderr')]);
}
