import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (this file runs as testkit/dist/src/repo-paths.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The repository's deploy/ directory: the shipped assets the tests run as they are. */
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

export type ServiceName = 'registry' | 'health' | 'config-push';

/** The compiled entry of a center service, for tests that run it as its own process. */
export function serviceEntry(service: ServiceName): string {
  return join(REPO_ROOT, 'services', service, 'dist', 'src', 'main.js');
}
