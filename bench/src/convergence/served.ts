import { request } from 'node:http';

/** The header the node's nginx routes by (`map $http_x_gateway_group $gateway_upstream`). */
const GROUP_HEADER = 'x-gateway-group';

/** One GET to a node's nginx at `url` for `group`, on a fresh connection: status and body. */
export function getThroughNode(
  url: string,
  group: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const call = request(
      url,
      { agent: false, headers: { [GROUP_HEADER]: group, connection: 'close' }, timeout: timeoutMs },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    call.on('timeout', () => call.destroy(new Error('timeout')));
    call.on('error', () => resolve({ status: 0, body: '' }));
    call.end();
  });
}

/**
 * Polls a node's nginx at `url` for `group` every `intervalMs` until the backend answers
 * `expected` (the group is served), and resolves with that moment (performance.now()).
 * Rejects after `timeoutMs` (the node never converged) or when `signal` aborts.
 */
export async function waitUntilServed(
  url: string,
  group: string,
  expected: string,
  options: { timeoutMs: number; intervalMs: number; signal: AbortSignal },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    options.signal.throwIfAborted();
    const { status, body } = await getThroughNode(url, group);
    const now = performance.now();
    if (status === 200 && body === expected) return now;
    if (now > deadline)
      throw new Error(`${url} did not serve group ${group} within ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/** Every node (its nginx at each of `urls`) serves `group`: the moment the last one did. */
export async function bothServe(
  urls: readonly string[],
  group: string,
  expected: string,
  options: { timeoutMs: number; intervalMs: number; signal: AbortSignal },
): Promise<number> {
  const times = await Promise.all(
    urls.map((url) => waitUntilServed(url, group, expected, options)),
  );
  return Math.max(...times);
}
