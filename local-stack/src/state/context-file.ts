import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `context.json` beside the tokens: where gatewayctl finds the stack's services and
 * its admin token, so that against the local stack it needs no flags (docs/gatewayctl.md).
 */
export function writeContextFile(
  dir: string,
  addresses: { registry: string; health: string; configPush: string },
): string {
  const path = join(dir, 'context.json');
  writeFileSync(path, `${JSON.stringify({ ...addresses, tokenFile: 'tokens' }, null, 2)}\n`, {
    mode: 0o600,
  });
  return path;
}
