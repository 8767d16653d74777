import type { ListInstancesResponse } from '@gateway/proto/registry';
import { unary } from '../connection/call.js';
import type { Clients } from '../connection/clients.js';
import { failure } from '../exit-codes.js';

const PAGE_SIZE = 1000;
/** 100 000 instances at most: a bound on what one command reads. */
const MAX_PAGES = 100;

/** Every instance (of one group, when given), page by page; the first page's revision and self-preservation. */
export async function listAllInstances(
  clients: Clients,
  group = '',
): Promise<ListInstancesResponse> {
  const timeout = clients.endpoints.timeoutMs;
  const first = await unary('registry', timeout, (options) =>
    clients.registry().listInstances({ group, pageSize: PAGE_SIZE, pageToken: '' }, options),
  );
  const instances = [...first.instances];
  let token = first.nextPageToken;
  for (let page = 1; token !== ''; page++) {
    if (page >= MAX_PAGES)
      throw failure(`registry: more than ${MAX_PAGES * PAGE_SIZE} instances; list one group`);
    const pageToken = token;
    const next = await unary('registry', timeout, (options) =>
      clients.registry().listInstances({ group, pageSize: PAGE_SIZE, pageToken }, options),
    );
    instances.push(...next.instances);
    token = next.nextPageToken;
  }
  return { ...first, instances, nextPageToken: '' };
}
