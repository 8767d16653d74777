import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'vitest';
import { SseClients } from './sse-clients.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

async function serve(clients: SseClients): Promise<number> {
  const http = createServer((_request, response) => {
    if (!clients.add(response)) response.writeHead(503).end();
  });
  server = http;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}

const until = async (what: string, check: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the console event-stream clients', () => {
  it('send heartbeats and events to a reader, and refuse one past the cap', async () => {
    const clients = SseClients({ maxClients: 1, maxBufferedBytes: 1 << 20, heartbeatMs: 50 });
    const port = await serve(clients);
    const controller = new AbortController();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const refused = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(refused.status, 503);
      clients.broadcast('status', { n: 1 });
      const reader = response.body!.getReader();
      let text = '';
      while (!(text.includes('event: status\ndata: {"n":1}\n\n') && text.includes(': heartbeat'))) {
        const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      assert.match(text, /^retry: 2000\n\n/);
      assert.match(text, /: heartbeat \d+\n\n/);
    } finally {
      controller.abort();
      clients.close();
    }
  });

  it('drop a client that does not read once its unsent output passes the bound', async () => {
    const clients = SseClients({ maxClients: 4, maxBufferedBytes: 64 * 1024, heartbeatMs: 60_000 });
    const port = await serve(clients);
    const socket = connect(port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause(); // a client that never reads
    try {
      await until('the client to be added', () => clients.size() === 1);
      const event = { padding: 'x'.repeat(32 * 1024) };
      let sent = 0;
      while (clients.size() > 0 && sent < 2_000) {
        clients.broadcast('status', event);
        sent += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(clients.size(), 0, `still connected after ${sent} events`);
      assert.equal(clients.dropped(), 1);
      console.log(`[figure] a client that never reads is dropped after ${sent} events of 32 KiB`);
    } finally {
      socket.destroy();
      clients.close();
    }
  });
});
