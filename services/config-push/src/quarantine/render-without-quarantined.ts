import type { LeasedInstance, QuarantineEntry } from '@gateway/shared';
import { renderUpstreams, type RenderedConfig } from '../render/render-upstreams.js';
import { lineOwners } from './line-owners.js';

/**
 * The render the nodes are asked to run: every registered instance but the quarantined
 * ones. `guardServers` is what the drop guard compares with the last desired config:
 * the servers rendered plus the quarantined instances that config had (a quarantine is
 * bounded on its own and is not a drop of the registry); an empty render stays empty.
 */
export function renderWithoutQuarantined(
  instances: readonly LeasedInstance[],
  quarantine: ReadonlyMap<string, QuarantineEntry>,
  previousContent: string | undefined,
): { render: RenderedConfig; excluded: readonly string[]; guardServers: number } {
  const kept = instances.filter((instance) => !quarantine.has(instance.id));
  const excluded = instances
    .filter((instance) => quarantine.has(instance.id))
    .map((instance) => instance.id);
  const render = renderUpstreams(kept);
  let inPrevious = 0;
  if (previousContent !== undefined && excluded.length > 0) {
    const previousIds = new Set<string>();
    for (const ids of lineOwners(previousContent).values())
      for (const id of ids) previousIds.add(id);
    inPrevious = excluded.filter((id) => previousIds.has(id)).length;
  }
  return { render, excluded, guardServers: render.servers + inPrevious };
}
