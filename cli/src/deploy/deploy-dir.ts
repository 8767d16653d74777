import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shipped deploy/ directory (templates and scripts). This file runs as
 * cli/dist/src/deploy/deploy-dir.js inside the repository or an installed checkout;
 * GATEWAY_DEPLOY_DIR or `--templates` point elsewhere.
 */
export const SHIPPED_DEPLOY_DIR = fileURLToPath(new URL('../../../../deploy/', import.meta.url));

export function deployDir(override?: string): string {
  return override ?? process.env['GATEWAY_DEPLOY_DIR'] ?? SHIPPED_DEPLOY_DIR;
}

export function deployPath(relativePath: string, override?: string): string {
  return join(deployDir(override), relativePath);
}
