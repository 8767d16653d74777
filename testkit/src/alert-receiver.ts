import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedRequest = {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Date.now() when it arrived. */
  readonly time: number;
};

/** How the receiver answers the n-th request (0-based): a status and body, or 'hang'. */
export type Responder = (
  index: number,
  request: IncomingMessage,
) => { status: number; body: string } | 'hang';

export type AlertReceiver = {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** The JSON object bodies received so far, in order (an alert each). */
  jsonBodies(): Array<Record<string, unknown>>;
  close(): Promise<void>;
};

/**
 * A webhook on 127.0.0.1 (on `port`, default a free one) that records every request (the
 * alerts of health and config-push in tests): its path, query, JSON body (or text) and
 * arrival time. Answers 200 with DingTalk's success body unless `responder` says otherwise.
 */
export async function startAlertReceiver(
  responder: Responder = () => ({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }),
  port = 0,
): Promise<AlertReceiver> {
  const received: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let count = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ path: url.pathname, query: url.searchParams, body, time: Date.now() });
      const answer = responder(count++, request);
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    received,
    jsonBodies: () =>
      received
        .map((request) => request.body)
        .filter(
          (body): body is Record<string, unknown> =>
            typeof body === 'object' && body !== null && !Array.isArray(body),
        ),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
