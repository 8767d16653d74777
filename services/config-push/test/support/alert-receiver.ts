import { createServer } from 'node:http';
import { freePort } from '@gateway/testkit';

/** A webhook on loopback that records every JSON alert POSTed to it. */
export type AlertReceiver = {
  readonly url: string;
  readonly alerts: Array<Record<string, unknown>>;
  close(): Promise<void>;
};

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const port = await freePort();
  const alerts: Array<Record<string, unknown>> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      try {
        alerts.push(JSON.parse(body) as Record<string, unknown>);
      } catch {
        alerts.push({ unparsable: body });
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    alerts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
