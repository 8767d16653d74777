import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort, startProcess, waitFor, type ManagedProcess } from '@gateway/testkit';
import { assertOwnService } from './service-ownership.js';

/** A node process that listens on `port` (or only idles when port is undefined). */
function nodeProcess(name: string, port?: number): ManagedProcess {
  const script =
    port === undefined
      ? 'setTimeout(() => {}, 60_000)'
      : `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`;
  return startProcess(name, process.execPath, ['-e', script]);
}

describe('a service is the stack’s own', () => {
  let foreign: Server;
  let takenPort: number;
  const started: ManagedProcess[] = [];
  beforeAll(async () => {
    foreign = createServer();
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    takenPort = (foreign.address() as { port: number }).port;
  });
  afterAll(async () => {
    await Promise.all(started.map((child) => child.stop('SIGKILL')));
    await new Promise((resolve) => foreign.close(resolve));
  });

  it('when the process it spawned holds the listening socket', async () => {
    const port = await freePort();
    const child = nodeProcess('registry', port);
    started.push(child);
    await waitFor('the child to listen', () => child.output().includes('listening'), {
      timeoutMs: 10_000,
    });
    assert.doesNotThrow(() => assertOwnService('registry', child, port));
  });

  it('not when another process holds the port its spawned process should have', () => {
    const child = nodeProcess('registry');
    started.push(child);
    assert.throws(
      () => assertOwnService('registry', child, takenPort),
      new RegExp(
        `^Error: port ${takenPort} answered SERVING, but not from the registry this stack started \\(pid ${child.pid}\\)`,
      ),
    );
  });

  it('not when the process it spawned has exited', async () => {
    const child = startProcess('health', process.execPath, ['-e', 'console.log("EADDRINUSE")']);
    await child.exited;
    assert.throws(
      () => assertOwnService('health', child, takenPort),
      /^Error: health exited although its port \d+ answered SERVING: another process serves that port.*EADDRINUSE/,
    );
  });
});
