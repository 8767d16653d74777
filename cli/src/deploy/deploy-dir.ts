import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shipped deploy/ directory (templates and scripts): the nearest `deploy/` above
 * this file that holds the templates (cli/dist/src/deploy/ when compiled, cli/src/deploy/
 * under the test runner). GATEWAY_DEPLOY_DIR or `--templates` point elsewhere.
 */
export const SHIPPED_DEPLOY_DIR = findDeployDir(dirname(fileURLToPath(import.meta.url)));

function findDeployDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'deploy');
    if (existsSync(join(candidate, 'nginx', 'nginx.conf'))) return candidate;
    if (dirname(dir) === dir) return join(from, 'deploy');
  }
}

export function deployDir(override?: string): string {
  return override ?? (process.env['GATEWAY_DEPLOY_DIR'] || SHIPPED_DEPLOY_DIR);
}

export function deployPath(relativePath: string, override?: string): string {
  return join(deployDir(override), relativePath);
}
