import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertPortsFree, portIsFree, PortBusyError } from './port-check.js';
import { listeningSocketInodes } from './listening-socket.js';

describe('port check of the local stack', () => {
  let server: Server;
  let busy: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    busy = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('tells a port someone listens on from a free one', async () => {
    assert.equal(await portIsFree('127.0.0.1', busy), false);
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    assert.equal(await portIsFree('127.0.0.1', free), true);
  });

  it('fails naming the first busy port and what it is for', async () => {
    await assert.rejects(
      assertPortsFree('127.0.0.1', [{ name: 'registry', port: busy }]),
      (error: unknown) =>
        error instanceof PortBusyError &&
        error.message.startsWith(`port 127.0.0.1:${busy} (registry) is already in use`),
    );
  });

  it('finds the listening socket of a port in /proc', () => {
    assert.ok(listeningSocketInodes(busy).length >= 1);
  });
});
