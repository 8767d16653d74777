import type { Redis } from 'ioredis';
import type { QuarantineEntry } from '@gateway/shared';
import { renderRegistry, type RegistryRender } from '../render/render-registry.js';
import { fileText } from '../render/render-upstreams.js';
import { lineOwners } from './line-owners.js';

/**
 * The render the nodes are asked to run: every registered instance but the quarantined
 * ones (read page by page: renderRegistry). `guardServers` is what the drop guard compares
 * with the last desired config: the servers rendered plus the quarantined instances that
 * config had (a quarantine is bounded on its own and is not a drop of the registry); an
 * empty render stays empty.
 */
export async function renderWithoutQuarantined(
  redis: Redis,
  quarantine: ReadonlyMap<string, QuarantineEntry>,
  previousContent: readonly Buffer[] | undefined,
): Promise<{ registry: RegistryRender; guardServers: number }> {
  const registry = await renderRegistry(redis, quarantine);
  const { excluded, file } = registry;
  let inPrevious = 0;
  if (previousContent !== undefined && excluded.length > 0) {
    const previousIds = new Set<string>();
    for (const ids of lineOwners(fileText(previousContent)).values())
      for (const id of ids) previousIds.add(id);
    inPrevious = excluded.filter((id) => previousIds.has(id)).length;
  }
  return { registry, guardServers: file.servers + inPrevious };
}
