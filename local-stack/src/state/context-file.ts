import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `context.json` beside the tokens: where gatewayctl finds the stack's services and
 * its admin token, so that against the local stack it needs no flags (docs/gatewayctl.md).
 */
export function writeContextFile(
  dir: string,
  addresses: { registry: string; health: string; configPush: string },
  tls?: { caFile: string; certFile?: string; keyFile?: string },
): string {
  const path = join(dir, 'context.json');
  const context = {
    ...addresses,
    tokenFile: 'tokens',
    ...(tls
      ? {
          tlsCaFile: tls.caFile,
          ...(tls.certFile ? { tlsCertFile: tls.certFile } : {}),
          ...(tls.keyFile ? { tlsKeyFile: tls.keyFile } : {}),
        }
      : {}),
  };
  writeFileSync(path, `${JSON.stringify(context, null, 2)}\n`, { mode: 0o600 });
  return path;
}
