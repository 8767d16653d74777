import type { ConfigPushClient, RegistryClient } from './services.js';
import { since } from '../framework/stats.js';

/** Every page of ListInstances (page_size 1000, the maximum): total time, pages, slowest page. */
export async function listAllPages(
  client: RegistryClient,
): Promise<{ ms: number; instances: number; pages: number; slowestPageMs: number }> {
  const start = performance.now();
  let pageToken = '';
  let pages = 0;
  let instances = 0;
  let slowestPageMs = 0;
  do {
    const t0 = performance.now();
    const page = await client.listInstances(
      { group: '', pageSize: 1000, pageToken },
      { signal: AbortSignal.timeout(60_000) },
    );
    slowestPageMs = Math.max(slowestPageMs, since(t0));
    instances += page.instances.length;
    pages += 1;
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return { ms: since(start), instances, pages, slowestPageMs };
}

/**
 * One render through config-push, read whole as an operator's tool does (StreamRenderConfig,
 * chunks of at most 1 MiB: no message bound at any size): time and the size of the file.
 */
export async function renderOnce(client: ConfigPushClient): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  let bytes = 0;
  let size = -1;
  for await (const message of client.streamRenderConfig(
    {},
    { signal: AbortSignal.timeout(60_000) },
  )) {
    bytes += message.contentChunk.length;
    size = Number(message.contentSize);
  }
  if (bytes !== size) throw new Error(`render read ${bytes} bytes of ${size}`);
  return { ms: since(start), bytes };
}
